/**
 * Masks secrets in text HCS hands back. Defence in depth: HCS event text has been seen echoing request documents.
 * The binding never puts configuration into an error itself, but when HCS quotes a document back, the value of every
 * `"Credentials"`, `"Environment"` and (OCI) `"env"` member (any JSON value: a string, an object, an array, whatever
 * nesting or braces and quotes inside its strings) is replaced with `"<redacted>"` before the text reaches a message,
 * `events` or `errorMessage`. A value cut off by the end of the text is masked to the end; in a document quoted
 * inside a JSON string (escaped quotes, at any depth of quoting), everything up to the end of that string is masked.
 */

// `env`: an OCI spec's process environment ("NAME=value" strings). The backslashes after the key match a document
// quoted inside a JSON string (`{\"Credentials\":...}`, one backslash), or quoted again inside that (`\\\"`, three)
// and so on.
// Why the backslashes are matched after the key only: a pattern starting with `\\*` would be retried from every
// backslash of a long run, quadratic in the run's length.
const SECRET_KEY = /"(?:Credentials|Environment|env)(\\*)"\s*:\s*/gi;

/**
 * The end of the value of a document quoted `depth` backslashes deep: up to the quote that closes the string the
 * document is quoted in (the first `"` preceded by fewer than `depth` backslashes: a quote of an outer level, with
 * its backslashes), or the text's end. Masks more than the value itself, never less.
 */
function skipEscapedValue(text: string, start: number, depth: number): number {
  let run = 0;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    // The quote's own backslashes are not part of the value: they keep the outer level's quoting intact.
    if (c === '"' && run < depth) return i - run;
    run = c === '\\' ? run + 1 : 0;
  }
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
    const depth = m[1]!.length;
    // The quoting after the key sets the depth, whatever stands before it: text that starts inside an escaped
    // document (`"Credentials\":\"...`) has lost the backslashes before its first key, and is masked all the same.
    const valueEnd = depth > 0 ? skipEscapedValue(text, valueStart, depth) : skipValue(text, valueStart);
    const quote = `${m[1]!}"`;
    out += `${text.slice(copied, valueStart)}${quote}<redacted>${quote}`;
    copied = valueEnd;
    SECRET_KEY.lastIndex = valueEnd;
  }
  return copied === 0 ? text : out + text.slice(copied);
}
