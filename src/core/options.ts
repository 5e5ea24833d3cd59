import { HcsValidationError } from '../errors';

/** The longest timer Node accepts (2^31-1 ms, ~24.8 days). */
export const MAX_TIMEOUT_MS = 0x7fffffff;

const TIMEOUT_RULE = `must be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}`;

/** What a value is, for messages that must not show the value itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : 'a number out of range';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function timeoutProblem(ms: unknown): string | undefined {
  if (typeof ms === 'number' && ms >= 0 && ms <= MAX_TIMEOUT_MS) return undefined;
  return `${TIMEOUT_RULE}, got ${kindOf(ms)}`;
}

/**
 * Throws `HcsValidationError` (document `field`) unless `ms` is undefined or a whole-range timer delay. Why a type
 * check as well: comparisons coerce, so `null`, `true` or `'5'` would pass them and become a timer of 0-5 ms.
 */
export function checkTimeout(ms: unknown, field = 'timeoutMs'): void {
  if (ms === undefined) return;
  const problem = timeoutProblem(ms);
  if (problem) throw new HcsValidationError(field, [{ path: '(root)', message: problem }]);
}

/**
 * Whether `value` can be used as an AbortSignal. Duck-typed rather than `instanceof`, so signals from another realm
 * (a `vm` context) or a polyfill work.
 */
function isSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Partial<AbortSignal>;
  return typeof s.aborted === 'boolean' && typeof s.addEventListener === 'function' && typeof s.removeEventListener === 'function';
}

/** The options of one call as read (once) and checked by {@link checkOptions}. */
export interface CheckedOptions {
  signal?: AbortSignal | undefined;
  timeoutMs?: number | undefined;
}

/** Why `signal` cannot be used, or undefined. A signal whose members throw when read is reported, not rethrown. */
function signalProblem(signal: unknown): string | undefined {
  try {
    return isSignal(signal) ? undefined : `must be an AbortSignal, got ${kindOf(signal)}`;
  } catch {
    return 'could not be read (accessing it threw an error)';
  }
}

/**
 * Checks the options of one call (`signal`, `timeoutMs`; other keys are ignored) before anything else happens:
 * throws `HcsValidationError` (document `options`) naming each bad field. Why up front: a non-signal passed as
 * `signal` (an AbortController, say) would otherwise fail only after the native call was made, and a bad timeout
 * would be skipped by the methods that return early once a handle has exited. Returns the values read, which the
 * caller uses instead of reading `opts` again (a getter could give another value the second time).
 */
export function checkOptions(opts: unknown): CheckedOptions {
  if (opts === undefined) return {};
  if (typeof opts !== 'object' || opts === null) {
    throw new HcsValidationError('options', [{ path: '(root)', message: `must be an object, got ${kindOf(opts)}` }]);
  }
  let signal: unknown;
  let timeoutMs: unknown;
  try {
    ({ signal, timeoutMs } = opts as { signal?: unknown; timeoutMs?: unknown });
  } catch {
    // A throwing getter or a revoked proxy: reported like any other bad option, without the thrown error's text.
    throw new HcsValidationError('options', [{ path: '(root)', message: 'could not be read (accessing it threw an error)' }]);
  }
  const issues = [];
  const badSignal = signal === undefined ? undefined : signalProblem(signal);
  if (badSignal) issues.push({ path: 'signal', message: badSignal });
  const problem = timeoutMs === undefined ? undefined : timeoutProblem(timeoutMs);
  if (problem) issues.push({ path: 'timeoutMs', message: problem });
  if (issues.length > 0) throw new HcsValidationError('options', issues);
  return { signal: signal as AbortSignal | undefined, timeoutMs: timeoutMs as number | undefined };
}
