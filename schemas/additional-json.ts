/**
 * hcsshim's create-time JSON merge: when `HCSSHIM_CREATECONTAINER_ADDITIONALJSON` is set, its legacy
 * `CreateContainer` merges that JSON object into the encoded configuration before calling HCS. The result is what Go
 * produces by decoding both documents into `map[string]interface{}`, merging, and marshalling the map again.
 */
import { goQuote, goStringCompare, toGoText } from './go-json';
import { MAX_JSON_DEPTH } from './json-value';
import { JsonTextError, parseJsonDocument } from './outputs/json-text';
import { HcsValidationError } from './validation-error';

/** The environment variable hcsshim reads the additional JSON from. */
export const ADDITIONAL_JSON_ENV = 'HCSSHIM_CREATECONTAINER_ADDITIONALJSON';

type JsonMap = Record<string, unknown>;

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A validation error naming the variable; never quotes its text, which may hold secrets. */
function badAdditionalJson(message: string): HcsValidationError {
  return new HcsValidationError(ADDITIONAL_JSON_ENV, [{ path: '(root)', message }]);
}

function parseAdditional(additional: string): JsonMap {
  let value: unknown;
  try {
    value = parseJsonDocument(additional);
  } catch (err) {
    const where = err instanceof JsonTextError ? ` (line ${err.position.line}, column ${err.position.column})` : '';
    throw badAdditionalJson(`is not valid JSON${where}`);
  }
  // Go decodes `null` into a nil map, and hcsshim's merge then panics assigning into it: refused here instead.
  if (value === null) throw badAdditionalJson('must be a JSON object, got null');
  if (!isMap(value)) throw badAdditionalJson(`must be a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  const problem = problemIn(value);
  if (problem !== undefined) throw badAdditionalJson(problem);
  return value;
}

/**
 * What keeps a decoded value from being merged, or `undefined`. Walks with an explicit stack, so hostile nesting
 * cannot overflow the call stack here; nesting deeper than the free-form limit of the schemas is refused so that the
 * recursive merge and marshal below stay within it too (Go's own decoder stops at 10000 levels; nothing real comes
 * near either). Go decodes numbers as float64 and refuses one out of its range; JSON.parse would make it an Infinity.
 */
function problemIn(root: unknown): string | undefined {
  const stack: [unknown, number][] = [[root, 0]];
  let infinite = false;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value === 'number' && !Number.isFinite(value)) infinite = true;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `nests deeper than ${MAX_JSON_DEPTH} levels`;
    for (const item of Object.values(value)) stack.push([item, depth + 1]);
  }
  return infinite ? 'holds a number out of the float64 range' : undefined;
}

/**
 * Merges `extra` into `base` in place, as hcsshim's merge does: where both hold an object the two merge; a `null` in
 * `extra` against an object keeps the object; otherwise `extra`'s value wins.
 */
function mergeInto(base: JsonMap, extra: JsonMap): void {
  for (const key of Object.keys(extra)) {
    const next = extra[key];
    const current = Object.hasOwn(base, key) ? base[key] : undefined;
    if (isMap(current) && isMap(next)) mergeInto(current, next);
    else if (next === null && isMap(current)) continue;
    else Object.defineProperty(base, key, { value: next, enumerable: true, writable: true, configurable: true });
  }
}

/**
 * Encodes a value decoded from JSON the way Go marshals an `interface{}` holding it: map keys in Go's sorted (UTF-8
 * byte) order, strings escaped as Go does, numbers as float64 (JavaScript's shortest form matches Go's digits and
 * exponent thresholds; `-0` stays `-0`).
 */
function goMarshalDecoded(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[' + value.map(goMarshalDecoded).join(',') + ']';
  const map = value as JsonMap;
  // Go's map keys are UTF-8: a key with an unpaired surrogate escape (`"\ud800"`) decodes to U+FFFD, and two keys
  // that become equal that way are one key (the later one wins).
  const byGoKey = new Map<string, unknown>();
  for (const key of Object.keys(map)) byGoKey.set(toGoText(key), map[key]);
  const keys = [...byGoKey.keys()].sort(goStringCompare);
  return '{' + keys.map((key) => goQuote(key) + ':' + goMarshalDecoded(byGoKey.get(key))).join(',') + '}';
}

/**
 * Returns `document` (an encoded ContainerConfig) merged with `additional`, as hcsshim's create path does: empty
 * `additional` returns `document` unchanged; otherwise it must be a JSON object (hcsshim panics on `null`; refused
 * here), objects merge key by key at every depth, a `null` against an object keeps the object, any other value in
 * `additional` replaces the document's, and the result
 * is marshalled again with sorted keys (so its key order differs from the plain encoding even when nothing changed).
 * @throws HcsValidationError (document `HCSSHIM_CREATECONTAINER_ADDITIONALJSON`) when `additional` is not a JSON
 * object, holds a number out of the float64 range, or nests deeper than 256 levels; the message gives the position or
 * the type found, never the text.
 */
export function mergeAdditionalJson(document: string, additional: string): string {
  if (additional === '') return document;
  const extra = parseAdditional(additional);
  const base = JSON.parse(document) as JsonMap;
  mergeInto(base, extra);
  return goMarshalDecoded(base);
}
