import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireProgram } from './require.js';

export interface TestCa {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  caPem: string;
}

/** A self-signed certificate and key made with openssl: <name>.crt and <name>.key in dir. */
function selfSigned(dir: string, name: string, subject: string): void {
  const openssl = requireProgram('openssl', 'openssl');
  execFileSync(
    openssl,
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      subject,
    ],
    { cwd: dir, stdio: 'pipe' },
  );
}

/** A CA made in the test with openssl, and a server certificate for 127.0.0.1 and localhost. */
export function makeCa(dir: string): TestCa {
  const openssl = requireProgram('openssl', 'openssl');
  const run = (...args: string[]) => execFileSync(openssl, args, { cwd: dir, stdio: 'pipe' });
  selfSigned(dir, 'ca', '/CN=gantry test CA');
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1',
  );
  writeFileSync(
    join(dir, 'san.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'san.ext',
  );
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
  };
}

/** A self-signed key pair for signing registry tokens. */
export function makeSigningCert(dir: string): { key: string; cert: string } {
  selfSigned(dir, 'token', '/CN=gantry token issuer');
  return { key: join(dir, 'token.key'), cert: join(dir, 'token.crt') };
}
