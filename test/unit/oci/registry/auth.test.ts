import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuth, parseChallenge } from '../../../../src/oci/registry/auth.js';
import { fallsBackToHttp } from '../../../../src/oci/registry/client.js';
import { credentialsFromDockerConfig } from '../../../../src/oci/registry/credentials.js';
import {
  parseErrorBody,
  parseRetryAfter,
  RegistryError,
} from '../../../../src/oci/registry/errors.js';

describe('registry auth', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/ubuntu:pull"',
      'bearer',
      {
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/ubuntu:pull',
      },
    ],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/r:pull",error="insufficient_scope"',
      'bearer',
      {
        realm: 'https://ghcr.io/token',
        service: 'ghcr.io',
        scope: 'repository:o/r:pull',
        error: 'insufficient_scope',
      },
    ],
    ['Basic realm="basic-realm"', 'basic', { realm: 'basic-realm' }],
    ['basic realm=Registry', 'basic', { realm: 'Registry' }],
  ])('parses %s', (header, scheme, params) => {
    expect(parseChallenge(header)).toEqual({ scheme, params });
  });

  it('ignores unknown schemes and builds Basic headers', () => {
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(basicAuth({ username: 'u', password: 'p:w' })).toBe(
      `Basic ${Buffer.from('u:p:w').toString('base64')}`,
    );
  });

  it('reads docker login credentials in both forms, by every key docker writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dockercfg-'));
    try {
      const path = join(dir, 'config.json');
      writeFileSync(
        path,
        JSON.stringify({
          auths: {
            'https://index.docker.io/v1/': { auth: Buffer.from('hub:secret').toString('base64') },
            'ghcr.io': { username: 'gh', password: 'tok' },
            'https://127.0.0.1:5000': { auth: Buffer.from('me:pw').toString('base64') },
          },
        }),
      );
      expect(credentialsFromDockerConfig('docker.io', path)).toEqual({
        username: 'hub',
        password: 'secret',
      });
      expect(credentialsFromDockerConfig('ghcr.io', path)).toEqual({
        username: 'gh',
        password: 'tok',
      });
      expect(credentialsFromDockerConfig('127.0.0.1:5000', path)).toEqual({
        username: 'me',
        password: 'pw',
      });
      expect(credentialsFromDockerConfig('quay.io', path)).toBeUndefined();
      expect(credentialsFromDockerConfig('ghcr.io', join(dir, 'missing.json'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('registry errors', () => {
  it.each([
    [500, [], true],
    [503, [], true],
    [501, [], false],
    [429, [], true],
    [408, [], true],
    [404, [{ code: 'MANIFEST_UNKNOWN' }], false],
    [400, [{ code: 'TOOMANYREQUESTS' }], false],
    [403, [{ code: 'UNAVAILABLE' }], false],
    [502, [{ code: 'DENIED' }], true],
    [401, [{ code: 'UNAUTHORIZED' }], false],
  ])('status %d %j temporary=%s', (status, codes, temporary) => {
    expect(new RegistryError('GET', 'https://r/v2/', status, { codes }).temporary).toBe(temporary);
  });

  it('classifies network errors and redacts URLs in messages', () => {
    expect(
      new RegistryError('PUT', 'https://r/x', undefined, { networkCode: 'ECONNRESET' }).temporary,
    ).toBe(true);
    expect(
      new RegistryError('PUT', 'https://r/x', undefined, { networkCode: 'ECONNREFUSED' }).temporary,
    ).toBe(false);
    const e = new RegistryError(
      'PUT',
      'https://u:pw@r.example/v2/a/blobs/uploads/1?_state=secret&digest=x',
      400,
      { codes: [{ code: 'DIGEST_INVALID', message: 'bad' }] },
    );
    expect(e.message).toBe(
      'PUT https://REDACTED@r.example/v2/a/blobs/uploads/1?REDACTED: 400 (DIGEST_INVALID: bad)',
    );
    expect(e.message).not.toContain('pw');
  });

  it('parses error bodies and Retry-After', () => {
    expect(
      parseErrorBody(
        Buffer.from(
          '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known","detail":{}}]}',
        ),
      ),
    ).toEqual([{ code: 'NAME_UNKNOWN', message: 'repository name not known' }]);
    expect(parseErrorBody(Buffer.from('<html>'))).toEqual([]);
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('plain HTTP fallback after a failed TLS handshake', () => {
  const failed = (code: string, message: string) =>
    new RegistryError('GET', 'https://r.example/v2/', undefined, {
      networkCode: code,
      detail: message,
    });
  const reset = failed('ECONNRESET', 'socket hang up');
  const plain = failed('EPROTO', 'wrong version number');
  const untrusted = failed('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate');
  it.each([
    ['a reset, loopback', reset, { insecure: false, loopback: true }, true],
    [
      'a reset, insecure but not loopback (a downgrade)',
      reset,
      { insecure: true, loopback: false },
      false,
    ],
    ['plain HTTP answering, insecure', plain, { insecure: true, loopback: false }, true],
    ['plain HTTP answering, neither', plain, { insecure: false, loopback: false }, false],
    ['an untrusted certificate, insecure', untrusted, { insecure: true, loopback: false }, false],
  ])('%s', (_, err, registry, expected) => {
    expect(fallsBackToHttp(err, registry)).toBe(expected);
  });
});
