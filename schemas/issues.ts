import type * as z from 'zod';
import { MAX_LISTED_ISSUES } from './limits';
import { moreProblemsIssue, type ValidationIssue } from './validation-error';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Keys longer than this are shown cut short in paths, and get no "did you mean" suggestion. */
const LONG_KEY = 64;

/**
 * Formats a zod issue path the way a JavaScript accessor reads: `Layers[1].ID`, `Environment.PATH`,
 * `Environment["Program Files"]`, `ConsoleSize[0]`; the empty path is `(root)`. Keys are shown as {@link shownKey}
 * gives them.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && seg.length <= LONG_KEY && IDENTIFIER.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(shownKey(String(seg)))}]`;
  }
  return out;
}

/**
 * A key as a path shows it: up to and including its first `=` or NUL, then `…`. Why: an environment variable name
 * written as `NAME=value` (as in Docker's `Env` list) is rejected for its `=`, and the rest of it is the secret value.
 * A longer key is also cut after {@link LONG_KEY} characters (never inside a surrogate pair): a megabyte key would
 * otherwise be printed whole, once per problem.
 */
function shownKey(key: string): string {
  const stop = key.search(/[=\0]/);
  let cut = stop < 0 ? key.length : stop + 1;
  if (cut > LONG_KEY) cut = /[\ud800-\udbff]/.test(key[LONG_KEY - 1]!) ? LONG_KEY - 1 : LONG_KEY;
  return stop < 0 && cut === key.length ? key : `${key.slice(0, cut)}…`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1. */
function editDistance(a: string, b: string): number {
  let before: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row: number[] = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row.push(d);
    }
    before = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The known key an unknown key most likely meant: an exact case-insensitive match first (Go's decoder would have
 * accepted it, HCS's strict parser would not), otherwise the nearest by case-insensitive edit distance, if close
 * enough (at most 1 edit, a swap of neighbours included, for short keys; up to a third of the key's length for long
 * ones). Keys longer than {@link LONG_KEY} get no suggestion: no known key is that long, and the distance costs
 * the product of the two lengths (a 10 MB key took most of a minute).
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > LONG_KEY) return undefined;
  const lower = key.toLowerCase();
  const exact = known.find((k) => k.toLowerCase() === lower);
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(key.length / 3));
  for (const candidate of known) {
    // The distance is at least the difference in length: such a candidate cannot beat the best so far.
    const other = candidate.toLowerCase();
    if (Math.abs(other.length - lower.length) > bestDistance) continue;
    const d = editDistance(lower, other);
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return 'Infinity';
    return Number.isInteger(value) ? 'integer' : 'non-integer number';
  }
  return typeof value;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  tuple: 'an array',
  record: 'an object',
  null: 'null',
};

function quoteList(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? JSON.stringify(v) : String(v))).join(', ');
}

const SEPARATOR = '\n';

/**
 * The per-parse zod error map used by every validation in this package: plain messages that never echo the input
 * value (only its JSON type). Schema-level messages (GUIDs, NUL characters...) take precedence over it, as zod
 * gives schema-level errors priority. For unknown keys it returns one message per key, joined by a newline, that
 * {@link toValidationIssues} splits again.
 */
export const errorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.expected === 'int' && typeof issue.input === 'number') return `must be an integer (got ${typeOf(issue.input)})`;
      return `must be ${expected} (got ${typeOf(issue.input)})`;
    }
    case 'too_big':
      if (issue.origin === 'array') return `must have at most ${issue.maximum} items`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters long`;
      return `must be at most ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'array') return `must have at least ${issue.minimum} items`;
      if (issue.origin === 'string') return Number(issue.minimum) === 1 ? 'must not be empty' : `must be at least ${issue.minimum} characters long`;
      return `must be at least ${issue.minimum}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `must be ${quoteList(issue.values)}` : `must be one of ${quoteList(issue.values)}`;
    case 'unrecognized_keys': {
      const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
      const known = shape ? Object.keys(shape) : [];
      // Only the keys that can be listed get a message: 50000 unknown keys would otherwise cost 50000 suggestion
      // searches and as many copies of the known-key list (seconds, and a message of tens of megabytes).
      return issue.keys
        .slice(0, MAX_LISTED_ISSUES)
        .map((key) => {
          const guess = closestKey(key, known);
          return guess !== undefined ? `unknown key; did you mean "${guess}"?` : `unknown key (expected one of ${quoteList(known)})`;
        })
        .join(SEPARATOR);
    }
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (options && options.length > 0) return `must be one of ${quoteList(options)}`;
      return 'does not match any of the accepted forms';
    }
    case 'invalid_key':
      return issue.issues.map((inner) => inner.message).join('; ') || 'invalid key';
    case 'invalid_format':
      return 'has an invalid format';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return undefined;
  }
};

/**
 * Converts zod's issues (produced with {@link errorMap}) into `{path, message}` pairs, one per unknown key, without
 * repeats (`z.int().max(Number.MAX_SAFE_INTEGER)` reports the same bound twice: once for the safe-integer format,
 * once for the explicit maximum). At most {@link MAX_LISTED_ISSUES} are listed, the first in document order; when
 * there are more, a last issue at `(root)` says how many (`and 16364 more problems`). `extra`, problems found by
 * checks of other than zod's, come after zod's and within the same limit.
 */
export function toValidationIssues(
  issues: readonly z.core.$ZodIssue[],
  extra: readonly ValidationIssue[] = [],
): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  let more = 0;
  // Repeats are found by the raw path: two keys may format alike (cut at "=", see formatPath) and still be two problems.
  // Problems past the listed ones are still told from repeats, so that the count of the rest is exact.
  const add = (path: readonly PropertyKey[], message: string): void => {
    const key = `${JSON.stringify(path.map(String))}\n${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (out.length < MAX_LISTED_ISSUES) out.push({ path: formatPath(path), message });
    else more++;
  };
  const addFormatted = (issue: ValidationIssue): void => {
    if (out.length < MAX_LISTED_ISSUES) out.push(issue);
    else more++;
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      // errorMap gave messages to the first keys only. The keys are distinct and no other issue has their paths, so
      // those that cannot be listed are only counted.
      const messages = issue.message.split(SEPARATOR);
      for (let i = 0; i < issue.keys.length; i++) {
        if (out.length >= MAX_LISTED_ISSUES) {
          more += issue.keys.length - i;
          break;
        }
        add([...issue.path, issue.keys[i]!], messages[i] ?? 'unknown key');
      }
    } else if (issue.code === 'custom' && typeof issue.params?.omitted === 'number') {
      // A free-form field's problems past those it listed (json-value.ts): counted, never listed.
      more += issue.params.omitted as number;
    } else {
      add(issue.path, issue.message);
    }
  }
  extra.forEach(addFormatted);
  if (more > 0) out.push(moreProblemsIssue(more));
  return out;
}
