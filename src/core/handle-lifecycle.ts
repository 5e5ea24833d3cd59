import type { HcsError } from '../errors';

/** open → closing → closed. */
export type HandleState = 'open' | 'closing' | 'closed';

/**
 * Tracks one native handle's state and the native calls in flight on it (design.md rule 5, pain point 8).
 *
 * Calls start only while the handle is open; `close()` moves to `closing` (new calls are refused at once), waits
 * for every tracked call to return, runs the release step, then is `closed`. The release step runs once; every
 * later `close()` returns the same promise.
 */
export class HandleLifecycle {
  #state: HandleState = 'open';
  #inFlight = 0;
  #idleWaiters: Array<() => void> = [];
  #closing: Promise<void> | undefined;
  readonly #closedError: (operation: string) => HcsError;

  /** `closedError` builds the rejection for calls refused because the handle is closing or closed. */
  constructor(closedError: (operation: string) => HcsError) {
    this.#closedError = closedError;
  }

  /** Current state. */
  get state(): HandleState {
    return this.#state;
  }

  /** Native calls currently running on this handle. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Throws `ERR_HCS_ALREADY_CLOSED` unless the handle is open. */
  ensureOpen(operation: string): void {
    if (this.#state !== 'open') throw this.#closedError(operation);
  }

  /** The error a call refused now would get. */
  closedError(operation: string): HcsError {
    return this.#closedError(operation);
  }

  /** Runs `call` as an in-flight native call (refused unless open); close waits for it. */
  track<T>(operation: string, call: () => Promise<T>): Promise<T> {
    this.ensureOpen(operation);
    this.#inFlight += 1;
    let p: Promise<T>;
    try {
      p = call();
    } catch (err) {
      p = Promise.reject(err);
    }
    return p.finally(() => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) for (const w of this.#idleWaiters.splice(0)) w();
    });
  }

  /**
   * Closes once: refuses new calls, waits for in-flight ones, then runs `release` (unregister, close). Errors from
   * `release` reject this close but the handle still ends `closed`.
   */
  close(release: () => Promise<void>): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#state = 'closing';
    this.#closing = (async () => {
      try {
        if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
        await release();
      } finally {
        this.#state = 'closed';
      }
    })();
    return this.#closing;
  }
}
