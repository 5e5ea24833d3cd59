/**
 * Parsing JSON text with an error that says where it went wrong. `JSON.parse` in Node 20 reports invalid JSON as
 * `Unexpected token '}', "..." is not valid JSON` with no position, so on failure the text is scanned again by a
 * small RFC 8259 checker that finds the offset of the first error.
 *
 * The error gives the position and what the grammar expected there, never any of the text: the character found may
 * be the first of a secret written without quotes (`"Credentials": hunter2`).
 */

/** Where a JSON text stops being valid JSON: 0-based offset, 1-based line and column (in UTF-16 code units). */
export interface JsonErrorPosition {
  offset: number;
  line: number;
  column: number;
}

/** Invalid JSON text: a plain `SyntaxError` whose message names the line and column, plus the position as data. */
export class JsonTextError extends SyntaxError {
  /** Where the first error is. */
  readonly position: JsonErrorPosition;

  /** @param reason what is wrong there; @param position where. */
  constructor(reason: string, position: JsonErrorPosition) {
    super(`Invalid JSON at line ${position.line}, column ${position.column}: ${reason}`);
    this.name = 'JsonTextError';
    this.position = position;
  }
}

/**
 * Parses JSON text (as `JSON.parse`, no reviver). Throws {@link JsonTextError} with the line and column of the first
 * error when the text is not valid JSON; empty text is an error at line 1, column 1.
 */
export function parseJsonDocument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const found = locateJsonError(text);
    throw new JsonTextError(found.reason, positionOf(text, found.offset));
  }
}

/** Line and column of `offset` in `text`; lines end at `\n` (a `\r\n` pair counts once). */
export function positionOf(text: string, offset: number): JsonErrorPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

interface Located {
  offset: number;
  reason: string;
}

class Fail {
  constructor(readonly offset: number, readonly reason: string) {}
}

/**
 * The offset and a short reason for the first syntax error in `text`. Only called after JSON.parse failed; if the
 * scanner finds nothing (it should not happen), the end of the text is reported.
 */
export function locateJsonError(text: string): Located {
  let i = 0;
  const fail = (reason: string, at = i): never => {
    throw new Fail(at, reason);
  };
  // Names no character found (see the module notes). The one exception is a byte order mark at the very start: it
  // is what Windows editors put first (JSON.parse and Go refuse it), and it is not part of any value.
  const describe = (): string => {
    if (i >= text.length) return 'unexpected end of input';
    if (i === 0 && text.charCodeAt(0) === 0xfeff) return 'unexpected byte order mark (U+FEFF)';
    return 'unexpected character';
  };
  const skipWs = (): void => {
    while (i < text.length) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (text[i] !== word[k]) fail(describe());
      i++;
    }
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const code = text.charCodeAt(i);
      if (code === 0x22) {
        i++;
        return;
      }
      if (code < 0x20) fail('control character in string (escape it)');
      if (code === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('bad \\u escape in string');
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else {
          fail('bad escape in string');
        }
      } else {
        i++;
      }
    }
  };
  const digits = (): void => {
    if (!/[0-9]/.test(text[i] ?? '')) fail(describe() + ' (a digit was expected)');
    while (/[0-9]/.test(text[i] ?? '')) i++;
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const value = (): void => {
    skipWs();
    const c = text[i];
    if (c === '{') {
      i++;
      skipWs();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipWs();
        if (text[i] !== '"') fail(describe() + ' (a quoted key was expected)');
        string();
        skipWs();
        if (text[i] !== ':') fail(describe() + " (':' was expected)");
        i++;
        value();
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(describe() + " (',' or '}' was expected)");
      }
    }
    if (c === '[') {
      i++;
      skipWs();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(describe() + " (',' or ']' was expected)");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail(describe() + ' (a JSON value was expected)');
  };
  try {
    value();
    skipWs();
    if (i < text.length) fail(describe() + ' after the end of the JSON value');
  } catch (error) {
    if (error instanceof Fail) return { offset: error.offset, reason: error.reason };
    // Nesting deep enough to overflow the stack: report the start, the text is not something HCS or a user wrote.
    return { offset: 0, reason: 'JSON nested too deeply' };
  }
  return { offset: text.length, reason: 'invalid JSON' };
}
