/**
 * The pieces of Go's `encoding/json` output format that the wire encoders need: string escaping, map key order and
 * the encoding of free-form JSON values. Everything here takes already-validated input.
 */

/** Characters that Go escapes or that need a look at surrogate pairs; strings without any take the fast path. */
const NEEDS_WORK = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

const HEX = '0123456789abcdef';

function unicodeEscape(code: number): string {
  return '\\u' + HEX[(code >> 12) & 15] + HEX[(code >> 8) & 15] + HEX[(code >> 4) & 15] + HEX[code & 15];
}

/**
 * Quotes a string exactly as Go's `encoding/json` (with its default HTML escaping) does: `\"`, `\\`, `\n`, `\r`,
 * `\t`; every other control character as `\u00XX` with lower-case hex (Go before 1.22 also writes `\b` and `\f` that
 * way, and hcsshim's schema1 era predates 1.22); `<`, `>`, `&`, U+2028 and U+2029 as `\u003c`-style escapes; and,
 * since a Go string holds UTF-8, an unpaired UTF-16 surrogate (which has no UTF-8 form) becomes `\ufffd`, the
 * replacement Go writes for invalid UTF-8. Everything else, non-ASCII included, is written as is.
 */
export function goQuote(s: string): string {
  if (!NEEDS_WORK.test(s)) return '"' + s + '"';
  let out = '"';
  let start = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    let rep: string;
    if (c < 0x20) {
      rep = c === 0x0a ? '\\n' : c === 0x0d ? '\\r' : c === 0x09 ? '\\t' : unicodeEscape(c);
    } else if (c === 0x22) {
      rep = '\\"';
    } else if (c === 0x5c) {
      rep = '\\\\';
    } else if (c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      rep = unicodeEscape(c);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      rep = '\\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      rep = '\\ufffd';
    } else {
      continue;
    }
    out += s.slice(start, i) + rep;
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string Go would hold after converting from UTF-16: unpaired surrogates replaced by U+FFFD. */
export function toGoText(s: string): string {
  return s.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * Compares two strings in the order Go's `sort.Strings` / `strings.Compare` gives them: byte-wise over UTF-8.
 * JavaScript's `<` compares UTF-16 code units, which disagrees with UTF-8 order only when a surrogate (a code point
 * above U+FFFF) meets a code unit in U+E000..U+FFFF: in UTF-8 the supplementary character sorts last. Both inputs
 * must be free of unpaired surrogates (see {@link toGoText}).
 */
export function goStringCompare(a: string, b: string): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff) x += 0x10000;
    if (y >= 0xd800 && y <= 0xdfff) y += 0x10000;
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Encodes a `map[string]string` as Go does: keys sorted by {@link goStringCompare}, both sides quoted by
 * {@link goQuote}. Returns `{}` for an empty map (callers handle `omitempty` themselves).
 */
export function goStringMap(map: Record<string, string>): string {
  // Why a Map: Go's keys are UTF-8, so two keys that differ only in unpaired surrogates (each becomes U+FFFD) are
  // one key there; the later one wins, as when Go builds such a map. Emitting both would repeat a JSON key.
  const byGoKey = new Map<string, string>();
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue;
    byGoKey.set(toGoText(key), value);
  }
  const entries = [...byGoKey.entries()].sort((p, q) => goStringCompare(p[0], q[0]));
  let out = '{';
  for (let i = 0; i < entries.length; i++) {
    const [key, value] = entries[i]!;
    out += (i === 0 ? '' : ',') + goQuote(key) + ':' + goQuote(value);
  }
  return out + '}';
}

/** A Go `[]string`, never `null` (callers decide between `null`, omission and this). */
export function goStringArray(items: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + goQuote(items[i]!);
  return out + ']';
}

/**
 * Encodes a validated free-form JSON value compactly, the way Go emits a `json.RawMessage` or an `interface{}`
 * holding decoded JSON: object keys in the JavaScript object's own order (a `RawMessage` is embedded verbatim, so the
 * order the caller wrote is kept), `undefined` properties skipped, strings escaped by {@link goQuote}, numbers in
 * JavaScript's shortest round-trip form (Go's float64 encoder produces the same digits and exponent thresholds;
 * `-0` is written `-0` as Go does).
 */
export function goJsonValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return goQuote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
    case 'function':
    case 'symbol':
      // Validation refuses these; never write one as `{}`.
      throw new TypeError(`goJsonValue: a ${typeof value} is not a JSON value`);
    default:
      break;
  }
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + goJsonValue(value[i]);
    return out + ']';
  }
  let out = '{';
  let first = true;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const item = obj[key];
    if (item === undefined) continue;
    out += (first ? '' : ',') + goQuote(key) + ':' + goJsonValue(item);
    first = false;
  }
  return out + '}';
}
