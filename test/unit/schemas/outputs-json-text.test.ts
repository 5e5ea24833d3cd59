import fc from 'fast-check';
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
    ['{"a":}', 1, 6, /a JSON value was expected/],
    ['{\n  "a": 1,\n  "b" 2\n}', 3, 7, /':' was expected/],
    ['[1,2,]', 1, 6, /a JSON value was expected/],
    ['{"a":1} x', 1, 9, /after the end/],
    ['{"a":"\u0001"}', 1, 7, /control character/],
    ['{"a":"\\x"}', 1, 7, /bad escape/],
    ['{"a":"\\u12g4"}', 1, 7, /bad \\u escape/],
    ['{"a":01}', 1, 7, /after|','/],
    ['{"a":-}', 1, 7, /digit/],
    ['{"a":1.}', 1, 8, /digit/],
    ['{a:1}', 1, 2, /quoted key/],
    ['{"a":tru}', 1, 9, /^Invalid JSON at line 1, column 9: unexpected character$/],
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

describe('parseJsonDocument never repeats the text it refuses', () => {
  // `hcs validate` prints this message: the character found may be the first of a secret written without quotes.
  it('names no character of an unquoted secret', () => {
    const error = errorOf('{"Name":"c","Credentials": SECRET}');
    expect(error.message).toBe('Invalid JSON at line 1, column 28: unexpected character (a JSON value was expected)');
    expect(error.message).not.toMatch(/"S"|U\+0053/);
  });

  // Each template puts the character where the grammar refuses it; the message must be the same whatever it is
  // (control characters, U+2028, a byte order mark, lone surrogates and letters alike), so it cannot carry any of it.
  // Only JSON's own whitespace (space, tab, CR, LF) is skipped by the grammar, so only it is left out.
  const templates: [string, string, (c: string) => boolean][] = [
    ['a value', '{"Credentials": %}', (c) => !/[ \t\n\r"{[\-0-9tfn]/.test(c)],
    ['a key', '{%: 1}', (c) => !/[ \t\n\r"}]/.test(c)],
    ["':'", '{"a" %: 1}', (c) => !/[ \t\n\r:]/.test(c)],
    ["',' or '}'", '{"a": 1 %}', (c) => !/[ \t\n\r,}]/.test(c)],
    ["',' or ']'", '[1 %]', (c) => !/[ \t\n\r,\]]/.test(c)],
    ['a literal', '{"a": tr%e}', (c) => c !== 'u'],
    ['a digit', '{"a": -%}', (c) => !/[0-9]/.test(c)],
    ['the end', '{"a": 1} %', (c) => !/[ \t\n\r]/.test(c)],
  ];
  it.each(templates)('the reason at %s is the same for every character found there', (_where, template, refused) => {
    const at = template.indexOf('%');
    const reference = errorOf(template.replace('%', 'x'));
    expect(reference.position.offset).toBe(at);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)).filter(refused),
        (c) => {
          const error = errorOf(template.replace('%', c));
          expect(error.position.offset).toBe(at);
          expect(error.message).toBe(reference.message);
        },
      ),
      { numRuns: 500 },
    );
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
