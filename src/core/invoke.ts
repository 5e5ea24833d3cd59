import { HRESULT, hcsErrorFromHresult } from '../errors';
import type { RawResult } from '../ffi/types';
import { abortErrorFor } from './abort';
import type { HandleLifecycle } from './handle-lifecycle';
import type { Expectation, RegistryEntry } from './notification-registry';
import { identityOf, trace } from './trace';
import { checkOptions } from './options';
import { raceWait } from './wait';

/** True when an HRESULT (unsigned) is a failure, i.e. negative as an int32 (reference section 1.3). */
export function failed(hr: number): boolean {
  return (hr | 0) < 0;
}

/** The handle a call is made on, for state checks, notification waits and error identity. */
export interface InvokeTarget {
  /** Refuses the call once the handle is closing/closed and lets close() wait for it. */
  lifecycle?: HandleLifecycle;
  /** The handle's notification entry: calls fail fast once it has failed (service disconnect). */
  entry?: RegistryEntry;
  id?: string;
  pid?: number;
}

/** Per-call options. */
export interface InvokeOptions {
  /** Notification type that completes the operation when the call returns `OPERATION_PENDING`. */
  expect?: number;
  /** Timeout (ms) for the whole operation, call and completion. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Non-success HRESULTs to hand back instead of throwing (e.g. "already stopped" for shutdown). */
  tolerate?: (hr: number) => boolean;
}

/**
 * The one call helper: runs a vmcompute call (already on koffi's `.async` path) on `target`, traces it, maps a
 * failed HRESULT to an `HcsError` with the result document's events, and — when the call returns
 * `OPERATION_PENDING` and `expect` is given — waits for the completion notification, whose failed status becomes
 * the error. The waiter is armed before the call (design.md rule 4), so a completion delivered while the call is
 * still returning is not lost.
 */
export function invoke<R extends RawResult>(
  target: InvokeTarget,
  operation: string,
  call: () => Promise<R>,
  options: InvokeOptions = {},
): Promise<R> {
  const who = { id: target.id, pid: target.pid };
  try {
    checkOptions(options);
    // An already-aborted signal stops the operation before it starts, as createContainer does: rejecting only
    // after the native call would report AbortError for a start (or terminate) that did happen.
    if (options.signal?.aborted) throw abortErrorFor(options.signal, operation);
    target.lifecycle?.ensureOpen(operation);
    const failure = target.entry?.failureFor(operation);
    if (failure) throw failure;
  } catch (err) {
    return Promise.reject(err);
  }
  let expectation: Expectation | undefined;
  if (options.expect !== undefined && target.entry) expectation = target.entry.expect(options.expect, operation);
  const work = (async (): Promise<R> => {
    const startedAt = performance.now();
    let res: R;
    try {
      res = target.lifecycle ? await target.lifecycle.track(operation, call) : await call();
    } catch (err) {
      // The binding itself failed (no HRESULT): no completion can be ours, so none may be consumed for us.
      expectation?.cancel();
      throw err;
    }
    const hr = res.hr >>> 0;
    trace.call(operation, identityOf(target.id, target.pid), hr, startedAt);
    if (hr === HRESULT.OPERATION_PENDING) {
      if (!expectation) return res;
      const outcome = await expectation.promise;
      if (failed(outcome.status)) throw hcsErrorFromHresult(outcome.status, { operation, ...who, result: outcome.data });
      return res;
    }
    expectation?.cancel();
    // A failed call caused no completion: one already taken for it came from a concurrent call of the same type.
    if (failed(hr)) expectation?.handBack();
    if (failed(hr) && !options.tolerate?.(hr)) throw hcsErrorFromHresult(hr, { operation, ...who, result: res.result });
    return res;
  })();
  if (!expectation && options.timeoutMs === undefined && !options.signal) return work;
  return raceWait(work, {
    operation,
    ...who,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    onGiveUp: (reason) => expectation?.cancel(reason),
  });
}
