import { checkTimeout, MAX_TIMEOUT_MS } from './options';

/** Operations with a default notification timeout, keyed like hcsshim's `internal/timeout` variables. */
export type TimedOperation = 'SystemCreate' | 'SystemStart' | 'SystemPause' | 'SystemResume';

/** hcsshim's default for every system operation wait: 4 minutes. */
export const DEFAULT_TIMEOUT_MS = 4 * 60 * 1000;

/**
 * The timeout for one operation: the caller's `timeoutMs` when given, else `HCSSHIM_TIMEOUT_<OPERATION>` (a
 * positive integer number of seconds, as hcsshim reads it; anything else is ignored), else 4 minutes. An
 * environment value beyond what a Node timer can hold (people set huge ones to mean "no timeout", which Go's
 * durations accept) becomes the longest timer, ~24.8 days.
 */
export function timeoutFor(operation: TimedOperation, timeoutMs?: number): number {
  if (timeoutMs !== undefined) {
    checkTimeout(timeoutMs);
    return timeoutMs;
  }
  const raw = process.env[`HCSSHIM_TIMEOUT_${operation.toUpperCase()}`];
  if (raw !== undefined && /^\d+$/.test(raw.trim())) {
    const seconds = Number(raw.trim());
    if (seconds > 0) return Math.min(seconds * 1000, MAX_TIMEOUT_MS);
  }
  return DEFAULT_TIMEOUT_MS;
}
