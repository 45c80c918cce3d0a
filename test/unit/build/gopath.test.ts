import { ValidationError } from '../../../src/runtime/errors.js';
import { IMPORT_PATH_ACCEPTED, validateImportPath } from '../../../src/build/go/gopath.js';

describe('validateImportPath', () => {
  it.each(['github.com/acme/legacy', 'example.com/a/b_c/d-e.f', 'gopkg.in/yaml.v3'])(
    'accepts %s',
    (p) => expect(validateImportPath('import-path', p)).toBe(p),
  );
  it.each(['', '/abs/path', 'a/../b', 'a//b', 'a/./b', 'has space/x', 'a\\b'])('refuses %j', (p) =>
    expect(() => validateImportPath('import-path', p)).toThrow(
      new ValidationError('import-path', p, IMPORT_PATH_ACCEPTED),
    ),
  );
});
