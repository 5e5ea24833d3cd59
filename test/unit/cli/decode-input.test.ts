import { decodeInput, InputEncodingError } from '../../../src/cli/decode-input';

const doc = '{"CommandLine":"a ü 𝄞"}';

function utf16be(text: string): Buffer {
  const b = Buffer.from(text, 'utf16le');
  b.swap16();
  return b;
}

describe('decodeInput', () => {
  it('reads UTF-8, with or without a byte order mark', () => {
    expect(decodeInput(Buffer.from(doc))).toBe(doc);
    expect(decodeInput(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc)]))).toBe(doc);
  });

  it('reads UTF-16 in either byte order, with a byte order mark or told apart by its NUL bytes', () => {
    expect(decodeInput(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]))).toBe(doc);
    expect(decodeInput(Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(doc)]))).toBe(doc);
    expect(decodeInput(Buffer.from(doc, 'utf16le'))).toBe(doc);
    expect(decodeInput(utf16be(doc))).toBe(doc);
  });

  it('turns an odd trailing byte of UTF-16 into U+FFFD (the parser then reports it), never drops it silently', () => {
    const odd = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le'), Buffer.from([0x41])]);
    expect(decodeInput(odd)).toBe('{}\ufffd');
  });

  it('names UTF-32 instead of guessing', () => {
    const le = Buffer.alloc(8);
    le.writeUInt32LE(0x7b, 0);
    le.writeUInt32LE(0x7d, 4);
    expect(() => decodeInput(le)).toThrow(InputEncodingError);
    expect(() => decodeInput(Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), Buffer.from([0, 0, 0, 0x7b])]))).toThrow('UTF-32');
  });

  it('leaves short and empty inputs to the parser', () => {
    expect(decodeInput(Buffer.alloc(0))).toBe('');
    expect(decodeInput(Buffer.from('1'))).toBe('1');
  });
});
