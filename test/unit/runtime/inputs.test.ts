import { ValidationError } from '../../../src/runtime/errors.js';
import {
  readBoolean,
  readByteSize,
  readEnum,
  readInteger,
  readList,
  readListOf,
  readString,
  splitList,
} from '../../../src/runtime/inputs.js';

function withInputs(inputs: Record<string, string>, fn: () => void): void {
  const keys = Object.keys(inputs).map((k) => `INPUT_${k.replace(/ /g, '_').toUpperCase()}`);
  Object.entries(inputs).forEach(
    ([k, v]) => (process.env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v),
  );
  try {
    fn();
  } finally {
    keys.forEach((k) => delete process.env[k]);
  }
}

describe('input readers', () => {
  it('reads a list that, when given, must hold an item', () => {
    withInputs({ platforms: ' linux/amd64 ,, linux/arm64 ' }, () =>
      expect(readListOf('platforms', 'os/arch')).toEqual(['linux/amd64', 'linux/arm64']),
    );
    withInputs({ platforms: '' }, () => expect(readListOf('platforms', 'os/arch')).toEqual([]));
    for (const raw of [',,', ' , \n , ', '# only a comment'])
      withInputs({ platforms: raw }, () =>
        expect(() => readListOf('platforms', 'os/arch')).toThrow(
          new ValidationError('platforms', raw, 'os/arch', 'no items, only separators'),
        ),
      );
  });

  it('splits lists on newlines and commas, dropping blanks and comments', () => {
    expect(splitList('a, b\n\n# note\nc,,d\r\n')).toEqual(['a', 'b', 'c', 'd']);
    expect(splitList('k=v,w\nx=y', { newlineOnly: true })).toEqual(['k=v,w', 'x=y']);
    withInputs({ tags: ' one\ntwo , three ' }, () =>
      expect(readList('tags')).toEqual(['one', 'two', 'three']),
    );
  });

  it('reads strict booleans and names the input on anything else', () => {
    withInputs({ push: 'True' }, () => expect(readBoolean('push', false)).toBe(true));
    withInputs({ push: '' }, () => expect(readBoolean('push', true)).toBe(true));
    withInputs({ push: 'yes' }, () => {
      expect(() => readBoolean('push', false)).toThrow(ValidationError);
      expect(() => readBoolean('push', false)).toThrow(
        'Input "push": got "yes"; accepted: true | false',
      );
    });
  });

  it('reads enums with the accepted values in the error', () => {
    withInputs({ qemu: 'release' }, () =>
      expect(readEnum('qemu', ['auto', 'system', 'release'], 'auto')).toBe('release'),
    );
    withInputs({ qemu: 'maybe' }, () =>
      expect(() => readEnum('qemu', ['auto', 'system'], 'auto')).toThrow('accepted: auto | system'),
    );
  });

  it('reads bounded integers and required strings', () => {
    withInputs({ n: '12' }, () => expect(readInteger('n', 1, 1, 20)).toBe(12));
    withInputs({ n: '1.5' }, () =>
      expect(() => readInteger('n', 1, 1, 20)).toThrow('a whole number from 1 to 20'),
    );
    withInputs({ n: '99' }, () =>
      expect(() => readInteger('n', 1, 1, 20)).toThrow(ValidationError),
    );
    expect(() => readString('absent', { required: true })).toThrow('Input "absent": required');
    expect(readString('absent', { fallback: 'dflt' })).toBe('dflt');
  });

  it('reads sizes with decimal and binary units, and names the input on a bad one', () => {
    withInputs({ size: '10GiB' }, () => expect(readByteSize('size', 1)).toBe(10 * 2 ** 30));
    withInputs({ size: '1.5 GB' }, () => expect(readByteSize('size', 1)).toBe(1.5e9));
    withInputs({ size: '4096' }, () => expect(readByteSize('size', 1)).toBe(4096));
    withInputs({ size: '' }, () => expect(readByteSize('size', 7)).toBe(7));
    for (const bad of ['10 parsecs', '-1G', '0', 'GiB'])
      withInputs({ size: bad }, () =>
        expect(() => readByteSize('size', 1)).toThrow(
          new ValidationError('size', bad, 'a size such as 5GiB, 500MB or 1073741824 (bytes)'),
        ),
      );
  });
});
