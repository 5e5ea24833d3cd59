import * as z from 'zod';
import { MAX_ARRAY_ITEMS, MAX_JSON_VALUES, MAX_LISTED_ISSUES } from './limits';
import { NO_NUL_PATTERN, NUL_MESSAGE } from './primitives';
import { moreProblemsIssue } from './validation-error';

/** A JSON value as JavaScript holds it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** A JSON object (the shape of an OCI runtime spec). */
export type JsonObject = { [key: string]: JsonValue | undefined };

/**
 * Free-form JSON nesting deeper than this many arrays and objects is refused; it also bounds recursion on hostile
 * input. No real OCI spec or resource setting comes near it.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Why a free-form number must stay within ±(2^53-1): above that a JavaScript number holds only some integers, so a
 * value such as an rlimit of 18446744073709551615 has already been rounded (to 18446744073709551616) by the time it is
 * validated, and would be sent as `18446744073709552000`, which Go's uint64 decoding then refuses. Every double of that
 * magnitude is an integer, so the bound is on the magnitude alone. The message never repeats the number.
 */
export const UNSAFE_NUMBER_MESSAGE =
  'must be no larger than 2^53-1 (9007199254740991) in magnitude: a JavaScript number cannot hold a larger integer ' +
  'exactly, so the number sent would not be the one written';

/** Why an array longer than {@link MAX_ARRAY_ITEMS} is refused (the words zod's own maximum gets, see issues.ts). */
const TOO_MANY_ITEMS_MESSAGE = `must have at most ${MAX_ARRAY_ITEMS} items`;

/**
 * Why a hole in a sparse array (`[1, , 3]`, or an array whose `length` was set) is refused: JSON has none, and
 * `JSON.stringify` would quietly send `null` in its place.
 */
const HOLE_MESSAGE = 'is missing: the array has a hole here (JSON arrays have none)';

/** Why a free-form value with more than {@link MAX_JSON_VALUES} values written out is refused. */
const TOO_MANY_VALUES_MESSAGE =
  `holds more than ${MAX_JSON_VALUES} values as written out (a value referenced from several places counts each ` +
  'time it appears)';

const hasOwn = Object.prototype.hasOwnProperty;

interface Problem {
  path: (string | number)[];
  message: string;
}

/**
 * Whether `value` is a plain object: its prototype is null or an `Object.prototype`. Why not only this realm's:
 * objects made in another realm (a `vm` context; `structuredClone` under jest, whose tests run in a context of
 * their own) have their realm's `Object.prototype`, which is recognised by its shape.
 */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  if (typeof proto !== 'object' || Object.getPrototypeOf(proto) !== null) return false;
  const ctor = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name === 'Object' && Object.prototype.toString.call(value) === '[object Object]';
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'a non-finite number';
  if (typeof value === 'object' && value !== null) return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * Walks an arbitrary value and lists everything that keeps it from being JSON that HCS can take: non-finite
 * numbers, numbers beyond ±(2^53-1), bigint, functions, symbols, class instances, cycles, NUL characters in strings
 * or keys, nesting deeper than {@link MAX_JSON_DEPTH}, arrays longer than {@link MAX_ARRAY_ITEMS} (refused by their
 * length, without reading an item), holes in arrays (the first hole of each array) and more than
 * {@link MAX_JSON_VALUES} values as written out (reported at `value` itself; the walk stops there). Object
 * properties whose value is `undefined` are skipped, as `JSON.stringify` skips them. Reported paths are relative to
 * `value`. Messages name types, never the values themselves. Lists the first `limit` problems and counts the rest
 * (`omitted`).
 */
export function findJsonProblems(value: unknown, limit = MAX_LISTED_ISSUES): { problems: Problem[]; omitted: number } {
  const problems: Problem[] = [];
  let omitted = 0;
  const ancestors = new Set<object>();
  const path: (string | number)[] = [];
  let visited = 0;
  let overBudget = false;
  const report = (message: string): void => {
    if (problems.length < limit) problems.push({ path: path.slice(), message });
    else omitted++;
  };
  const walk = (v: unknown, depth: number): void => {
    if (overBudget) return;
    // Counted as written out, shared references each time: the walk itself would otherwise never end on a graph
    // of shared arrays that stands for 2^40 values.
    if (++visited > MAX_JSON_VALUES) {
      overBudget = true;
      // At the field itself: the path where the count ran out says nothing about where the values are.
      if (problems.length < limit) problems.push({ path: [], message: TOO_MANY_VALUES_MESSAGE });
      else omitted++;
      return;
    }
    switch (typeof v) {
      case 'string':
        if (v.includes('\0')) report(NUL_MESSAGE);
        return;
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v)) report(`must be a JSON value (got ${describe(v)})`);
        else if (Math.abs(v) > Number.MAX_SAFE_INTEGER) report(UNSAFE_NUMBER_MESSAGE);
        return;
      case 'object':
        break;
      default:
        report(`must be a JSON value (got ${describe(v)})`);
        return;
    }
    if (v === null) return;
    if (depth >= MAX_JSON_DEPTH) {
      report(`nests deeper than ${MAX_JSON_DEPTH} levels`);
      return;
    }
    if (ancestors.has(v)) {
      report('contains a reference cycle');
      return;
    }
    ancestors.add(v);
    if (Array.isArray(v)) {
      // The length is checked before any item is read: it may be 2^32-1 on an array that holds nothing.
      const length = v.length;
      if (length > MAX_ARRAY_ITEMS) report(TOO_MANY_ITEMS_MESSAGE);
      else {
        for (let i = 0; i < length && !overBudget; i++) {
          path.push(i);
          // The first hole is reported, and ends the walk of this array: what follows may be holes only.
          const hole = !hasOwn.call(v, i);
          if (hole) report(HOLE_MESSAGE);
          else if (v[i] === undefined) report('must be a JSON value (got undefined)');
          else walk(v[i], depth + 1);
          path.pop();
          if (hole) break;
        }
      }
    } else if (!isPlainObject(v)) {
      report(`must be a plain JSON object (got ${describe(v)})`);
    } else {
      for (const key of Object.keys(v)) {
        if (overBudget) break;
        const item = (v as Record<string, unknown>)[key];
        if (item === undefined) continue;
        path.push(key);
        if (key.includes('\0')) report(`key ${NUL_MESSAGE}`);
        walk(item, depth + 1);
        path.pop();
      }
    }
    ancestors.delete(v);
  };
  walk(value, 0);
  return { problems, omitted };
}

/**
 * Adds the problems {@link findJsonProblems} finds in a free-form value to zod's issues; those past the listed ones
 * as one issue carrying their count (`params.omitted`), which `toValidationIssues` counts instead of listing.
 */
function addJsonProblems(value: unknown, ctx: z.RefinementCtx): void {
  const { problems, omitted } = findJsonProblems(value);
  for (const p of problems) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
  if (omitted > 0) ctx.addIssue({ code: 'custom', message: moreProblemsIssue(omitted).message, params: { omitted } });
}

/**
 * What {@link snapshot} puts in place of an array longer than {@link MAX_ARRAY_ITEMS}: an array as long as the first
 * length refused, holding nothing (so costing nothing), frozen. It is only ever refused, never written.
 */
const TOO_LONG: readonly unknown[] = (() => {
  const holes: unknown[] = [];
  holes.length = MAX_ARRAY_ITEMS + 1;
  return Object.freeze(holes);
})();

/**
 * A copy of `value` made by reading each array element and own enumerable property exactly once: arrays and plain
 * objects are copied (a shared or cyclic reference stays shared or cyclic in the copy), anything else is kept as it
 * is, so {@link findJsonProblems} on the copy reports what it would have reported on `value`. Why: the validated
 * value is what gets written, so a getter or proxy cannot hand the encoder something other than what was checked.
 *
 * An array is never copied past what makes it invalid, so that the work stays bounded by what the caller actually
 * built: one longer than {@link MAX_ARRAY_ITEMS} is replaced, unread, by {@link TOO_LONG} (refused for its length);
 * at the first hole the copy stops, ending in that hole (refused there).
 */
function snapshot(value: unknown): unknown {
  const copies = new Map<object, unknown>();
  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > MAX_JSON_DEPTH) return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const length = v.length;
      if (length > MAX_ARRAY_ITEMS) {
        copies.set(v, TOO_LONG);
        return TOO_LONG;
      }
      const out: unknown[] = [];
      copies.set(v, out);
      for (let i = 0; i < length; i++) {
        if (!hasOwn.call(v, i)) {
          out.length = i + 1;
          break;
        }
        out.push(copy(v[i], depth + 1));
      }
      return out;
    }
    if (!isPlainObject(v)) return v;
    const out: Record<string, unknown> = Object.getPrototypeOf(v) === null ? Object.create(null) : {};
    copies.set(v, out);
    for (const key of Object.keys(v)) {
      const item = copy((v as Record<string, unknown>)[key], depth + 1);
      // defineProperty: an own `__proto__` key stays a key and never sets the copy's prototype.
      Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return copy(value, 0);
}

const NUL_FREE_STRING = { type: 'string', pattern: NO_NUL_PATTERN.source };

/**
 * The JSON Schema (draft-07) definitions that the free-form fields of the generated schema files refer to, saying
 * what {@link findJsonProblems} checks wherever JSON Schema can: no NUL in strings or keys, numbers within ±(2^53-1),
 * at most {@link MAX_ARRAY_ITEMS} items in an array (holes need no rule: JSON text has none). The nesting limit has
 * no JSON Schema keyword (short of one definition per level), so it is only described.
 */
export const FREE_FORM_JSON_SCHEMA_DEFINITIONS = {
  JsonValue: {
    description:
      `Any JSON value. Strings and object keys must not contain NUL; numbers must be within ±(2^53-1) ` +
      `(9007199254740991), so that they are sent exactly as written; arrays hold at most ${MAX_ARRAY_ITEMS} items; ` +
      `arrays and objects may nest at most ${MAX_JSON_DEPTH} levels deep, and a field may hold at most ` +
      `${MAX_JSON_VALUES} values in all (JSON Schema cannot express these two limits: hcs validate and the encoders ` +
      `check them).`,
    anyOf: [
      { type: 'null' },
      { type: 'boolean' },
      { type: 'number', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
      NUL_FREE_STRING,
      { type: 'array', maxItems: MAX_ARRAY_ITEMS, items: { $ref: '#/definitions/JsonValue' } },
      { $ref: '#/definitions/JsonObject' },
    ],
  },
  JsonObject: {
    description: 'A JSON object whose keys contain no NUL and whose values are JsonValues.',
    type: 'object',
    propertyNames: NUL_FREE_STRING,
    additionalProperties: { $ref: '#/definitions/JsonValue' },
  },
} as const;

/**
 * Any JSON value, `null` included (Go `interface{}`). Validation is a single walk done here rather than `z.json()`,
 * whose nested-union errors are unreadable and which drops own `__proto__` keys. Its JSON Schema refers to
 * {@link FREE_FORM_JSON_SCHEMA_DEFINITIONS}, which the schema file generator (src/cli/json-schema.ts) adds.
 */
export function anyJson() {
  return z
    .unknown()
    .overwrite(snapshot)
    .superRefine((value, ctx) => {
      addJsonProblems(value, ctx);
    })
    .meta({ description: 'Any JSON value.', allOf: [{ $ref: '#/definitions/JsonValue' }] }) as unknown as z.ZodType<
    JsonValue,
    JsonValue | undefined
  >;
}

/**
 * A JSON object whose content is free-form (embedded verbatim, e.g. an OCI runtime spec); checked as {@link anyJson}.
 */
export function jsonObject() {
  return z
    .unknown()
    .overwrite(snapshot)
    .superRefine((value, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})` });
        return;
      }
      addJsonProblems(value, ctx);
    })
    .meta({
      type: 'object',
      description: 'A JSON object, embedded verbatim.',
      allOf: [{ $ref: '#/definitions/JsonObject' }],
    }) as unknown as z.ZodType<JsonObject, JsonObject>;
}
