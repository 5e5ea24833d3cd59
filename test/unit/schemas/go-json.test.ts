import fc from 'fast-check';
import { goJsonValue, goQuote, goStringCompare, goStringMap, toGoText } from '../../../schemas/go-json';
import { freeFormValue } from './support/arbitraries';
import { referenceGoJson, referenceQuote } from './support/go-reference';

const anyUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 24 });

describe('goQuote', () => {
  test.each([
    ['plain', 'abc', '"abc"'],
    ['HTML characters', '<a href="x">&</a>', '"\\u003ca href=\\"x\\"\\u003e\\u0026\\u003c/a\\u003e"'],
    ['line and paragraph separators', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['\\n \\r \\t as short escapes', '\n\r\t', '"\\n\\r\\t"'],
    ['\\b and \\f as \\u escapes, like Go before 1.22', '\b\f', '"\\u0008\\u000c"'],
    ['other control characters with lower-case hex', '\u0001\u001b\u001f', '"\\u0001\\u001b\\u001f"'],
    ['NUL', '\0', '"\\u0000"'],
    ['DEL is not escaped', '\u007f', '"\u007f"'],
    ['backslash and quote', '\\"', '"\\\\\\""'],
    ['non-ASCII written as is', 'Käse 日本 🐳', '"Käse 日本 🐳"'],
    ['lone high surrogate', 'a\ud800b', '"a\\ufffdb"'],
    ['lone low surrogate', 'a\udc00b', '"a\\ufffdb"'],
    ['high surrogate at the end', 'a\ud800', '"a\\ufffd"'],
    ['reversed pair is two lone surrogates', '\udc00\ud800', '"\\ufffd\\ufffd"'],
    ['U+FFFD itself stays a character', '\ufffd', '"\ufffd"'],
  ])('%s', (_name, input, expected) => {
    expect(goQuote(input)).toBe(expected);
  });

  test('matches the code-point reference on arbitrary UTF-16', () => {
    fc.assert(fc.property(anyUnits, (s) => goQuote(s) === referenceQuote(s)), { numRuns: 3000 });
  });

  test('always produces JSON that parses back to the Go text of the input', () => {
    fc.assert(fc.property(anyUnits, (s) => JSON.parse(goQuote(s)) === toGoText(s)), { numRuns: 2000 });
  });

  test('never leaves <, >, &, U+2028, U+2029 or a control character unescaped', () => {
    fc.assert(
      fc.property(anyUnits, (s) => !/[<>&\u2028\u2029\u0000-\u001f]/.test(goQuote(s))),
      { numRuns: 2000 },
    );
  });
});

describe('goStringCompare (Go sorts map keys by UTF-8 bytes)', () => {
  test('puts supplementary characters after U+E000..U+FFFF, unlike UTF-16 order', () => {
    expect('😀' < '\uffff').toBe(true);
    expect(goStringCompare('😀', '\uffff')).toBeGreaterThan(0);
    expect(goStringCompare('\ue000', '😀')).toBeLessThan(0);
  });

  test('agrees with byte-wise UTF-8 comparison', () => {
    const text = anyUnits.map(toGoText);
    fc.assert(
      fc.property(text, text, (a, b) => Math.sign(goStringCompare(a, b)) === Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))),
      { numRuns: 3000 },
    );
  });
});

describe('goStringMap', () => {
  test('sorts keys as Go does, including integer-like keys JavaScript objects reorder', () => {
    const env: Record<string, string> = { b: '1', '10': 'x', a: '2', '2': 'y', B: '3', '😀': 'e', '\uffff': 'f' };
    expect(goStringMap(env)).toBe('{"10":"x","2":"y","B":"3","a":"2","b":"1","\uffff":"f","😀":"e"}');
  });

  test('escapes keys and values', () => {
    expect(goStringMap({ '<k>': '&v' })).toBe('{"\\u003ck\\u003e":"\\u0026v"}');
  });

  test('keys that differ only in unpaired surrogates are one key, as in Go (the later value wins)', () => {
    const out = goStringMap({ '\ud800': 'a', '\udc00': 'b', k: 'v' });
    expect(JSON.parse(out)).toEqual({ '\ufffd': 'b', k: 'v' });
    expect(out.match(/":"/g)).toHaveLength(2);
  });
});

describe('goJsonValue (free-form JSON: OCI spec, Settings)', () => {
  test('keeps insertion order, skips undefined properties, escapes as Go', () => {
    expect(goJsonValue({ z: 1, a: [true, null, 'x<y'], m: undefined, n: { q: -2.5e-7 } })).toBe(
      '{"z":1,"a":[true,null,"x\\u003cy"],"n":{"q":-2.5e-7}}',
    );
  });

  test('writes numbers as Go float64 does (1e21 boundary, negative zero)', () => {
    expect(goJsonValue([1e20, 1e21, 0.000001, 1e-7, -0, 0.1])).toBe('[100000000000000000000,1e+21,0.000001,1e-7,-0,0.1]');
  });

  test('writes any free-form value byte for byte as the Go reference does (full Unicode keys and strings)', () => {
    fc.assert(
      fc.property(freeFormValue, (v) => {
        expect(goJsonValue(v)).toBe(referenceGoJson(v));
      }),
      { numRuns: 2000 },
    );
  });

  test('parses back to the same JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(JSON.parse(goJsonValue(v))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
});
