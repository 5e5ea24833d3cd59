/**
 * Reading decoded JSON the way Go's `encoding/json` fills a struct, which is how hcsshim reads what HCS returns.
 *
 * Go matches a JSON key to a struct field by exact name first, then case-insensitively; unknown keys are ignored;
 * `null` leaves a field unchanged; a value of the wrong type is an error that leaves the field unchanged while the
 * rest of the document is still decoded. Over duplicate keys the last one that decodes wins. The readers here
 * follow those rules, except that a wrong-typed value is never an error: it is skipped and the field keeps its zero
 * value (tolerance is the point: HCS builds differ, and a stray field must not lose the whole document).
 */

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** The plain object `value` is, or `undefined` for anything else (arrays, null, primitives). */
export function asJsonObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Go's key folding (encoding/json `foldName`): ASCII letters compare without case, and the two non-ASCII runes whose
 * Unicode simple-fold orbit contains an ASCII letter fold into it: U+212A KELVIN SIGN to K and U+017F LONG S to S.
 * Every other rune stays itself, so it can never match the ASCII field names used here.
 */
export function foldGoKey(key: string): string {
  // Fast path for the usual all-ASCII key: one native call instead of a string per character (this runs for every
  // key of every document HCS returns, including the ProcessExited data on the way to process.wait()).
  if (!NON_ASCII.test(key)) return key.toUpperCase();
  let out = '';
  for (const ch of key) {
    if (ch === '\u212a') out += 'K';
    else if (ch === '\u017f') out += 'S';
    else if (ch.charCodeAt(0) < 0x80) out += ch.toUpperCase();
    else out += ch;
  }
  return out;
}

/**
 * The keys of one JSON object, indexed for Go-style field lookup. Built once per object; each lookup is then a map
 * read. Field names of every HCS struct differ under folding, so "exact match first, then folded" is the same as
 * "every key whose folded form equals the field's".
 */
export class GoFields {
  private readonly byFold = new Map<string, unknown[]>();
  /** Set instead of {@link GoFields.byFold} when every key is spelled exactly as one of the struct's fields. */
  private readonly exact: JsonObject | undefined;

  /**
   * Indexes `value`; anything that is not a JSON object behaves as `{}`. `fieldNames`, the struct's field names,
   * enables a fast path for the usual document whose keys are all spelled exactly so: each field then has one
   * candidate key, itself, and lookups read the object directly (the result is the same as with folding).
   */
  constructor(value: unknown, fieldNames?: ReadonlySet<string>) {
    const object = asJsonObject(value);
    if (object === undefined) return;
    if (fieldNames !== undefined && everyKeyIn(object, fieldNames)) {
      this.exact = object;
      return;
    }
    for (const [key, item] of Object.entries(object)) {
      const folded = foldGoKey(key);
      const list = this.byFold.get(folded);
      if (list === undefined) this.byFold.set(folded, [item]);
      else list.push(item);
    }
  }

  /** The last value for field `name` that `accept` takes (null and wrong types are skipped), or `undefined`. */
  private last<T>(name: string, accept: (value: unknown) => value is T): T | undefined {
    if (this.exact !== undefined) {
      const item = Object.hasOwn(this.exact, name) ? this.exact[name] : undefined;
      return accept(item) ? item : undefined;
    }
    const list = this.byFold.get(foldGoKey(name));
    if (list === undefined) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const item = list[i];
      if (accept(item)) return item;
    }
    return undefined;
  }

  /** A Go `string` field: `""` when absent or not a string. */
  string(name: string): string {
    return this.last(name, isString) ?? '';
  }

  /** A Go `bool` field: `false` when absent or not a boolean. */
  bool(name: string): boolean {
    return this.last(name, isBoolean) ?? false;
  }

  /**
   * A Go unsigned integer field of at most `max`: `0` when absent, not an integer, negative or above `max`.
   * For uint64 pass {@link UINT64_MAX_AS_NUMBER}: JSON.parse has already rounded values above 2^53 to the nearest
   * double (2^64 - 1 itself rounds to 2^64), and that rounded number is what the field holds.
   */
  uint(name: string, max: number): number {
    return this.last(name, (v): v is number => isInteger(v) && v >= 0 && v <= max) ?? 0;
  }

  /** A Go signed integer field in `min..max`: `0` when absent or out of range. */
  int(name: string, min: number, max: number): number {
    return this.last(name, (v): v is number => isInteger(v) && v >= min && v <= max) ?? 0;
  }

  /** The raw number for field `name` when it is an integer in `min..max` (no zero default). */
  optionalInt(name: string, min: number, max: number): number | undefined {
    return this.last(name, (v): v is number => isInteger(v) && v >= min && v <= max);
  }

  /** The raw string for field `name` (no zero default). */
  optionalString(name: string): string | undefined {
    return this.last(name, isString);
  }

  /** A nested struct field: its fields, `{}` when absent or not an object. */
  struct(name: string): GoFields {
    return new GoFields(this.last(name, isObject));
  }

  /** A nested object (map) field, or `undefined` when absent or not an object. */
  object(name: string): JsonObject | undefined {
    return this.last(name, isObject);
  }

  /** A slice field, or `undefined` when absent or not an array. */
  array(name: string): unknown[] | undefined {
    return this.last(name, Array.isArray);
  }
}

/** The largest uint64 as JSON.parse delivers it: 2^64 - 1 rounds up to 2^64 in a double. */
export const UINT64_MAX_AS_NUMBER = 2 ** 64;
/** The largest uint32. */
export const UINT32_MAX = 0xffff_ffff;
/** The largest uint16. */
export const UINT16_MAX = 0xffff;
/** The int32 range. */
export const INT32_MIN = -(2 ** 31);
/** The int32 range. */
export const INT32_MAX = 2 ** 31 - 1;

function everyKeyIn(object: JsonObject, names: ReadonlySet<string>): boolean {
  for (const key in object) if (Object.hasOwn(object, key) && !names.has(key)) return false;
  return true;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

function isBoolean(value: unknown): value is boolean {
  return typeof value === 'boolean';
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

function isObject(value: unknown): value is JsonObject {
  return asJsonObject(value) !== undefined;
}
