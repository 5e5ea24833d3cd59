import { z } from 'zod';
import { NUL_MESSAGE } from './primitives';

/** A JSON value as JavaScript holds it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/** A JSON object (the shape of an OCI runtime spec). */
export type JsonObject = { [key: string]: JsonValue | undefined };

/** Nesting deeper than this is refused; it also bounds recursion on hostile input. */
const MAX_DEPTH = 256;

interface Problem {
  path: (string | number)[];
  message: string;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'a non-finite number';
  if (typeof value === 'object' && value !== null) return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}

/**
 * Walks an arbitrary value and lists everything that keeps it from being JSON that HCS can take: non-finite
 * numbers, bigint, functions, symbols, class instances, cycles, NUL characters in strings or keys. Object properties
 * whose value is `undefined` are skipped, as `JSON.stringify` skips them. Reported paths are relative to `value`.
 * Messages name types, never the values themselves.
 */
export function findJsonProblems(value: unknown, limit = 20): Problem[] {
  const problems: Problem[] = [];
  const ancestors = new Set<object>();
  const path: (string | number)[] = [];
  const report = (message: string): void => {
    if (problems.length < limit) problems.push({ path: path.slice(), message });
  };
  const walk = (v: unknown, depth: number): void => {
    if (problems.length >= limit) return;
    switch (typeof v) {
      case 'string':
        if (v.includes('\0')) report(NUL_MESSAGE);
        return;
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v)) report(`must be a JSON value (got ${describe(v)})`);
        return;
      case 'object':
        break;
      default:
        report(`must be a JSON value (got ${describe(v)})`);
        return;
    }
    if (v === null) return;
    if (depth >= MAX_DEPTH) {
      report(`nests deeper than ${MAX_DEPTH} levels`);
      return;
    }
    if (ancestors.has(v)) {
      report('contains a reference cycle');
      return;
    }
    ancestors.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        if (v[i] === undefined) report('must be a JSON value (got undefined)');
        else walk(v[i], depth + 1);
        path.pop();
      }
    } else if (!isPlainObject(v)) {
      report(`must be a plain JSON object (got ${describe(v)})`);
    } else {
      for (const key of Object.keys(v)) {
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
  return problems;
}

/**
 * A copy of `value` made by reading each array element and own enumerable property exactly once: arrays and plain
 * objects are copied (a shared or cyclic reference stays shared or cyclic in the copy), anything else is kept as it
 * is, so {@link findJsonProblems} on the copy reports what it would have reported on `value`. Why: the validated
 * value is what gets written, so a getter or proxy cannot hand the encoder something other than what was checked.
 */
function snapshot(value: unknown): unknown {
  const copies = new Map<object, unknown>();
  const copy = (v: unknown, depth: number): unknown => {
    if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      copies.set(v, out);
      const length = v.length;
      for (let i = 0; i < length; i++) out.push(copy(v[i], depth + 1));
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

/**
 * Any JSON value, `null` included (Go `interface{}`). Validation is a single walk done here rather than `z.json()`,
 * whose nested-union errors are unreadable and which drops own `__proto__` keys.
 */
export function anyJson() {
  return z
    .unknown()
    .overwrite(snapshot)
    .superRefine((value, ctx) => {
      for (const p of findJsonProblems(value)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
    })
    .meta({ description: 'Any JSON value.' }) as unknown as z.ZodType<JsonValue, JsonValue | undefined>;
}

/** A JSON object whose content is free-form (embedded verbatim, e.g. an OCI runtime spec). */
export function jsonObject() {
  return z
    .unknown()
    .overwrite(snapshot)
    .superRefine((value, ctx) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.addIssue({ code: 'custom', message: `must be a JSON object (got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})` });
        return;
      }
      for (const p of findJsonProblems(value)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
    })
    .meta({ type: 'object', description: 'A JSON object, embedded verbatim.' }) as unknown as z.ZodType<JsonObject, JsonObject>;
}
