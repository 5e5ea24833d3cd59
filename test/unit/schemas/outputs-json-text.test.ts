import { JsonTextError, parseHcsTimestamp, parseJsonDocument, GO_ZERO_TIME } from '../../../schemas/outputs';

function errorOf(text: string): JsonTextError {
  try {
    parseJsonDocument(text);
  } catch (error) {
    if (error instanceof JsonTextError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be invalid`);
}

describe('parseJsonDocument', () => {
  it('parses valid JSON like JSON.parse', () => {
    expect(parseJsonDocument(' {"a":[1,2,{"b":null}]} ')).toEqual({ a: [1, 2, { b: null }] });
  });

  it.each([
    ['', 1, 1, /end of input/],
    ['{', 1, 2, /end of input/],
    ['{"a":}', 1, 6, /"}"/],
    ['{\n  "a": 1,\n  "b" 2\n}', 3, 7, /':' was expected/],
    ['[1,2,]', 1, 6, /"]"/],
    ['{"a":1} x', 1, 9, /after the end/],
    ['{"a":"\u0001"}', 1, 7, /control character/],
    ['{"a":"\\x"}', 1, 7, /bad escape/],
    ['{"a":"\\u12g4"}', 1, 7, /bad \\u escape/],
    ['{"a":01}', 1, 7, /after|','/],
    ['{"a":-}', 1, 7, /digit/],
    ['{"a":1.}', 1, 8, /digit/],
    ['{a:1}', 1, 2, /quoted key/],
    ['{"a":tru}', 1, 9, /"}"/],
    ['\ufeff{}', 1, 1, /byte order mark/],
    ['{"a":"x', 1, 8, /unterminated/],
    ['{"a":1}\r\n\r\n}', 3, 1, /after the end/],
  ])('reports %p at line %i, column %i', (text, line, column, reason) => {
    const error = errorOf(text);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.position.line).toBe(line);
    expect(error.position.column).toBe(column);
    expect(error.message).toContain(`line ${line}, column ${column}`);
    expect(error.message).toMatch(reason);
  });
});

describe('parseHcsTimestamp', () => {
  it('reads 7-digit fractions, truncating to milliseconds', () => {
    expect(parseHcsTimestamp('2019-03-01T12:34:56.1234567Z')?.toISOString()).toBe('2019-03-01T12:34:56.123Z');
  });

  it('applies offsets and works without a fraction', () => {
    expect(parseHcsTimestamp('2019-03-01T12:34:56+02:30')?.toISOString()).toBe('2019-03-01T10:04:56.000Z');
    expect(parseHcsTimestamp('2019-03-01T00:00:00.5-01:00')?.toISOString()).toBe('2019-03-01T01:00:00.500Z');
  });

  it('handles years below 100 without the Date.UTC 1900 shift', () => {
    expect(parseHcsTimestamp('0050-06-01T00:00:00Z')?.getUTCFullYear()).toBe(50);
  });

  it.each([GO_ZERO_TIME, '', 'yesterday', '2019-02-29T00:00:00Z', '2019-13-01T00:00:00Z', '2019-01-01T24:00:00Z',
    '2019-01-01 00:00:00Z', '2019-01-01T00:00:00', 42, null, undefined])('gives undefined for %p', (value) => {
    expect(parseHcsTimestamp(value)).toBeUndefined();
  });

  it('accepts a leap day', () => {
    expect(parseHcsTimestamp('2020-02-29T00:00:00Z')?.toISOString()).toBe('2020-02-29T00:00:00.000Z');
  });
});
