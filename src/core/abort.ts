/**
 * The error a wait rejects with when its `AbortSignal` fires, shaped like Node's own (`name` 'AbortError',
 * `code` 'ABORT_ERR', `cause` = `signal.reason`), so `err.name === 'AbortError'` checks work as with fetch or timers.
 */
export class AbortError extends Error {
  override readonly name = 'AbortError';
  /** Same code Node uses for its aborted operations. */
  readonly code = 'ABORT_ERR';
  constructor(message = 'The operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Builds the rejection for an aborted `signal`. */
export function abortErrorFor(signal: AbortSignal, operation?: string): AbortError {
  return new AbortError(operation ? `${operation} was aborted` : undefined, { cause: signal.reason });
}
