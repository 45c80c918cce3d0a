import { normaliseSha256, parseMirror } from '../../../src/runtime/download.js';
import { isLoopbackHost } from '../../../src/runtime/net.js';
import { redactUrl } from '../../../src/runtime/redact.js';
import { ValidationError } from '../../../src/runtime/errors.js';

describe('download helpers', () => {
  it('accepts https mirrors and plain http only on loopback', () => {
    expect(parseMirror('mirror', 'https://mirror.example/releases/')).toBe(
      'https://mirror.example/releases',
    );
    expect(parseMirror('mirror', 'http://127.0.0.1:8080/x')).toBe('http://127.0.0.1:8080/x');
    expect(() => parseMirror('mirror', 'http://mirror.example/x')).toThrow(ValidationError);
    expect(() => parseMirror('mirror', 'ftp://x')).toThrow('Input "mirror"');
    expect(() => parseMirror('mirror', 'not a url')).toThrow('accepted: an absolute https:// URL');
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('127.0.0.1.evil.example')).toBe(false);
  });

  it('normalises sha256 digests', () => {
    const hex = 'A'.repeat(64);
    expect(normaliseSha256('checksum', `sha256:${hex}`)).toBe('a'.repeat(64));
    expect(() => normaliseSha256('checksum', 'abc')).toThrow('Input "checksum"');
  });

  it('redacts credentials and query strings', () => {
    expect(redactUrl('https://user:s3cret@host.example/a?sig=s3cret')).toBe(
      'https://REDACTED@host.example/a?REDACTED',
    );
    expect(redactUrl('https://host.example/a')).toBe('https://host.example/a');
  });
});
