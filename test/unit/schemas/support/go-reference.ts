/**
 * A reference for the exact text Go's encoding/json writes, written from Go's rules rather than from the encoder:
 * strings code point by code point, numbers from their shortest digits. Tests compare the encoder's bytes with it.
 */

/**
 * Go's encodeState.string (escapeHTML on), applied code point by code point. A lone UTF-16 surrogate stands for
 * invalid UTF-8 in Go and becomes the \ufffd escape. Go of the schema1 era writes \b and \f as \u0008 and \u000c.
 */
export function referenceQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) {
      out += String.fromCodePoint(c);
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26 || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += String.fromCharCode(c);
  }
  return out + '"';
}

/**
 * Go's float64 encoding (strconv 'f' or, below 1e-6 and from 1e21 on, 'e' with a two-digit minimum exponent trimmed
 * to one digit), from the shortest round-trip digits that `toExponential()` gives.
 */
export function referenceNumber(n: number): string {
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const sign = n < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(n).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const e = Number(exp);
  const abs = Math.abs(n);
  if (abs < 1e-6 || abs >= 1e21) {
    const frac = digits.slice(1);
    return `${sign}${digits[0]}${frac ? '.' + frac : ''}e${e < 0 ? '-' : '+'}${Math.abs(e)}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${sign}${digits}${'0'.repeat(e + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/**
 * A free-form JSON value (OCISpecification, Settings) as Go writes it when embedded: compact, object keys in the
 * value's own order (a json.RawMessage is written verbatim), undefined properties skipped.
 */
export function referenceGoJson(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return referenceNumber(value);
  if (typeof value === 'string') return referenceQuote(value);
  if (Array.isArray(value)) return `[${value.map(referenceGoJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${referenceQuote(k)}:${referenceGoJson(v)}`).join(',')}}`;
}
