import { parseAnnotations } from '../../../src/publish/inputs.js';
import { ValidationError } from '../../../src/runtime/errors.js';

describe('merge annotations', () => {
  it('reads key=value and index:key=value', () => {
    expect(
      parseAnnotations('annotations', [
        'org.opencontainers.image.source=https://x/y',
        'index:org.opencontainers.image.description=a=b',
      ]),
    ).toEqual({
      'org.opencontainers.image.source': 'https://x/y',
      'org.opencontainers.image.description': 'a=b',
    });
  });

  it.each(['manifest:a=b', 'index[linux/amd64]:a=b', 'novalue', '=x'])('rejects %s', (line) => {
    expect(() => parseAnnotations('annotations', [line])).toThrow(ValidationError);
  });
});
