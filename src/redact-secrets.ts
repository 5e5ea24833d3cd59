/**
 * Masks secrets in text HCS hands back. Defence in depth: HCS event text has been seen echoing request documents.
 * The binding never puts configuration into an error itself, but when HCS quotes a document back, the value of every
 * `"Credentials"`, `"Environment"` and (OCI) `"env"` member (any JSON value: a string, an object, an array, whatever
 * nesting or braces and quotes inside its strings) is replaced with `"<redacted>"` before the text reaches a message,
 * `events` or `errorMessage`. A value cut off by the end of the text is masked to the end; in a document quoted
 * inside a JSON string (escaped quotes), everything up to the end of that string is masked.
 */

// `env`: an OCI spec's process environment ("NAME=value" strings). The optional backslash matches a document quoted
// inside a JSON string (`{\"Credentials\":...}`), with the same quoting on both sides of the key.
const SECRET_KEY = /(\\?)"(Credentials|Environment|env)\1"\s*:\s*/gi;
const REDACTED = '"<redacted>"';
const REDACTED_ESCAPED = '\\"<redacted>\\"';

/**
 * The end of an escaped document's value: up to the quote that closes the string the document is quoted in (the
 * first `"` not preceded by a backslash), or the text's end. Masks more than the value itself, never less.
 */
function skipEscapedValue(text: string, start: number): number {
  for (let i = start; i < text.length; i++) if (text[i] === '"' && text[i - 1] !== '\\') return i;
  return text.length;
}

/** The end (exclusive) of the JSON string starting at `start` (a `"`), or the text's length when unterminated. */
function skipString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
  }
  return text.length;
}

/** The end (exclusive) of the JSON value starting at `start`: a string, a bracketed value, or a bare literal. */
function skipValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return skipString(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i = skipString(text, i) - 1;
      } else if (c === '{' || c === '[') {
        depth++;
      } else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = start;
  while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
  return i;
}

/** `text` with the value of every `"Credentials"`/`"Environment"` member replaced by `"<redacted>"`. */
export function redactSecrets(text: string): string {
  let out = '';
  let copied = 0;
  SECRET_KEY.lastIndex = 0;
  for (let m = SECRET_KEY.exec(text); m !== null; m = SECRET_KEY.exec(text)) {
    const valueStart = m.index + m[0].length;
    if (valueStart >= text.length) break;
    const escaped = m[1] === '\\';
    const valueEnd = escaped ? skipEscapedValue(text, valueStart) : skipValue(text, valueStart);
    out += text.slice(copied, valueStart) + (escaped ? REDACTED_ESCAPED : REDACTED);
    copied = valueEnd;
    SECRET_KEY.lastIndex = valueEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
