import { createHash, X509Certificate } from 'node:crypto';
import {
  CA_ROOTS,
  CA_ROOTS_SHA256,
  CA_ROOTS_SOURCE,
} from '../../../src/image/static-base/ca-roots.generated.js';
import { goBuildArgs } from '../../../src/tools/go/compile.js';
import { STATIC_BASE_BUILD_TAGS } from '../../../src/image/base.js';

describe('the built-in static base', () => {
  const certs = CA_ROOTS.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/g)!;

  it('carries the CA roots it names, unaltered since they were generated', () => {
    expect(createHash('sha256').update(CA_ROOTS).digest('hex')).toBe(CA_ROOTS_SHA256);
    expect(certs.join('')).toBe(CA_ROOTS);
    expect(CA_ROOTS_SOURCE).toMatch(/ca-certificates \d{8}/);
  });

  it('holds public CA certificates that parse, among them the roots most of the web chains to', () => {
    expect(certs.length).toBeGreaterThan(100);
    const parsed = certs.map((c) => new X509Certificate(c));
    expect(parsed.every((c) => c.ca)).toBe(true);
    const subjects = parsed.map((c) => c.subject);
    for (const cn of ['ISRG Root X1', 'DigiCert Global Root G2', 'GTS Root R1'])
      expect(subjects.some((s) => s.includes(`CN=${cn}`))).toBe(true);
  });

  it("builds its binaries with Go's embedded time zone database", () => {
    expect(goBuildArgs('.', 'out', ['-s'], STATIC_BASE_BUILD_TAGS)).toEqual([
      'build',
      '-trimpath',
      '-tags',
      'timetzdata',
      '-ldflags',
      '-s',
      '-o',
      'out',
      '.',
    ]);
    expect(goBuildArgs('.', 'out', [])).toEqual(['build', '-trimpath', '-o', 'out', '.']);
  });
});
