/**
 * Decodes a document read by `hcs validate` (a file or standard input) from bytes to text.
 *
 * Why not plain UTF-8: on Windows, PowerShell 5's `>` and `Out-File` write UTF-16LE with a byte order mark, and a
 * config saved that way read as UTF-8 gives a parse error at the first byte that names no cause. JSON text may be
 * UTF-8, UTF-16 or UTF-32 (RFC 8259 section 8.1 requires UTF-8 for exchange; RFC 4627 section 3 tells the older
 * encodings apart by the NUL bytes around the first two ASCII characters), so: a byte order mark decides, else the
 * NUL pattern of the first four bytes, else UTF-8. UTF-32 is reported rather than guessed at.
 */
export function decodeInput(bytes: Uint8Array): string {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString('utf8');
  if (isUtf32(b)) throw new InputEncodingError('UTF-32');
  if (b[0] === 0xff && b[1] === 0xfe) return utf16le(b.subarray(2));
  if (b[0] === 0xfe && b[1] === 0xff) return utf16be(b.subarray(2));
  if (b.length >= 2 && b[0] === 0 && b[1] !== 0) return utf16be(b);
  if (b.length >= 2 && b[0] !== 0 && b[1] === 0) return utf16le(b);
  return b.toString('utf8');
}

/** An input in an encoding `hcs validate` does not read; the message names it. */
export class InputEncodingError extends Error {
  constructor(encoding: string) {
    super(`the input is ${encoding}; save it as UTF-8 (or UTF-16)`);
    this.name = 'InputEncodingError';
  }
}

function isUtf32(b: Buffer): boolean {
  if (b.length < 4) return false;
  const bom = (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) || (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff);
  const le = b[0] !== 0 && b[1] === 0 && b[2] === 0 && b[3] === 0;
  const be = b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] !== 0;
  return bom || le || be;
}

function utf16le(b: Buffer): string {
  // An odd trailing byte cannot be part of a code unit: decoded as U+FFFD, which the parser then reports.
  const even = b.subarray(0, b.length - (b.length % 2));
  return even.toString('utf16le') + (b.length % 2 ? '\ufffd' : '');
}

function utf16be(b: Buffer): string {
  const even = Buffer.from(b.subarray(0, b.length - (b.length % 2)));
  even.swap16();
  return even.toString('utf16le') + (b.length % 2 ? '\ufffd' : '');
}
