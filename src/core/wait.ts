import { abortErrorFor } from './abort';
import { type ErrorIdentity, timeoutError } from './hcs-errors';
import { type KeepAlive, keepAlive as sharedKeepAlive } from './keep-alive';
import { checkTimeout } from './options';

function noop(): void {}

/**
 * Marks a wait's promise handled and returns it: a caller that drops a wait (and later closes the handle, which
 * rejects it with ERR_HCS_ALREADY_CLOSED) sees no unhandled rejection; one that awaits it still gets the rejection.
 */
export function handledWait<T>(promise: Promise<T>): Promise<T> {
  promise.catch(noop);
  return promise;
}

/** How long and how to wait, and for what (for the error messages). */
export interface RaceOptions extends ErrorIdentity {
  /** Operation name used in a timeout error. */
  operation: string;
  /** Reject with `ERR_HCS_TIMEOUT` after this many ms; no timer when undefined. */
  timeoutMs?: number;
  /** Reject with an `AbortError` (cause = `signal.reason`) when it fires. */
  signal?: AbortSignal;
  /** Called once when the race is lost to the timeout or the signal (e.g. to cancel an expectation). */
  onGiveUp?: (reason: unknown) => void;
  /** Keep-alive to hold while waiting (defaults to the process-wide one). */
  keepAlive?: KeepAlive;
}

/**
 * Waits for `work` while keeping Node alive, racing it against an optional timeout and AbortSignal.
 *
 * Losing the race stops only this wait: `work` keeps running and whatever it still uses (a handle, an in-flight
 * native call) is left alone (pain point 8). Timers and listeners are removed however the race ends. With neither a
 * timeout nor a signal, `work` itself is returned. Either way the promise is marked handled
 * (see {@link handledWait}).
 */
export function raceWait<T>(work: Promise<T>, options: RaceOptions): Promise<T> {
  const { signal, timeoutMs } = options;
  try {
    checkTimeout(timeoutMs);
  } catch (err) {
    options.onGiveUp?.(err);
    handledWait(work);
    return Promise.reject(err);
  }
  if (signal?.aborted) {
    const err = abortErrorFor(signal, options.operation);
    options.onGiveUp?.(err);
    handledWait(work);
    return Promise.reject(err);
  }
  if (timeoutMs === undefined && signal === undefined) {
    // Nothing to race: `work` itself, held alive until it settles. Why not a new promise: the caller's continuation
    // runs one promise hop sooner (issue #6 notify: ~7 us of the ~45 us between an exit notification and wait()).
    const release = (options.keepAlive ?? sharedKeepAlive).acquire();
    work.then(release, release);
    return work;
  }
  return handledWait(new Promise<T>((resolve, reject) => {
    let release = noop;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    let unsubscribe = noop;
    const finish = (): boolean => {
      if (done) return false;
      done = true;
      release();
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      try {
        signal?.removeEventListener('abort', onAbort);
      } catch {
        // A signal that cannot remove its listener must not keep the race from settling; once: true drops it anyway.
      }
      return true;
    };
    const giveUp = (err: unknown): void => {
      if (!finish()) return;
      options.onGiveUp?.(err);
      reject(err);
    };
    const onAbort = (): void => giveUp(abortErrorFor(signal!, options.operation));
    // The listener first: should a signal's addEventListener throw, nothing has been taken yet, and the race is
    // given up as for a timeout (the caller withdraws what it armed for it).
    try {
      signal?.addEventListener('abort', onAbort, { once: true });
    } catch (err) {
      giveUp(err);
    }
    // Given up already: the listener threw, or fired while being added (a signal that aborts as it is subscribed).
    if (done) {
      handledWait(work);
      return;
    }
    release = (options.keepAlive ?? sharedKeepAlive).acquire();
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => giveUp(timeoutError(options.operation, options, timeoutMs)), timeoutMs);
    }
    unsubscribe = onSettled(work, (ok, outcome) => {
      if (!finish()) return;
      if (ok) resolve(outcome as T);
      else reject(outcome);
    });
  }));
}

type Settled = (ok: boolean, outcome: unknown) => void;

/** The listeners of each promise raced by more than one wait (see {@link onSettled}). */
const settledListeners = new WeakMap<Promise<unknown>, Set<Settled>>();

/**
 * Calls `listener` once when `work` settles; the returned function removes it. Why not `work.then` per wait: the
 * work of a wait is often a promise that lives as long as its handle (the exit of a container or process), and a
 * reaction on a promise can never be removed, so every timed-out or aborted wait would stay attached, with its
 * timer, signal and closures, until the exit (~2.5 KB each: a loop of waitTimeout(1000) grew by ~200 MB a day).
 * One reaction per promise dispatches to a set that each wait leaves when it ends.
 */
function onSettled(work: Promise<unknown>, listener: Settled): () => void {
  let listeners = settledListeners.get(work);
  if (listeners === undefined) {
    const created = new Set<Settled>();
    listeners = created;
    settledListeners.set(work, created);
    const dispatch = (ok: boolean, outcome: unknown): void => {
      // A wait that starts after this sees a settled promise: it gets a fresh reaction, run on the next microtask.
      settledListeners.delete(work);
      for (const l of [...created]) l(ok, outcome);
      created.clear();
    };
    work.then(
      (value) => dispatch(true, value),
      (err: unknown) => dispatch(false, err),
    );
  }
  const set = listeners;
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}
