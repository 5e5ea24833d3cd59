import { ADDITIONAL_JSON_ENV, type ContainerConfig, encodeContainerConfig, mergeAdditionalJson } from '../../schemas';
import { HRESULT, HcsError, hcsErrorFromHresult } from '../errors';
import { abortErrorFor } from '../core/abort';
import { failed } from '../core/invoke';
import type { Expectation } from '../core/notification-registry';
import { NotificationType } from '../core/notification-types';
import { RegisteredHandle } from '../core/registered-handle';
import { checkOptions } from '../core/options';
import { timeoutFor } from '../core/timeouts';
import { identityOf, trace } from '../core/trace';
import { raceWait } from '../core/wait';
import type { HcsSystemHandle } from '../ffi/types';
import { type Container, type ContainerHooks, attachContainer } from './container';
import { type OperationOptions, systemHandleOps } from './handle-ops';
import { type Runtime, runtime } from './runtime';
import { validateId } from './validate-id';

/**
 * How long a timed-out create waits for its clean-up (terminate and close of the half-created system) before
 * rejecting. Bounded because the clean-up calls vmcompute, which may itself be what is stuck; past the bound the
 * clean-up still finishes in the background.
 */
export const CREATE_CLEANUP_BOUND_MS = 5000;

/** Creates whose clean-up may still be running after they rejected (an abort rejects before its clean-up ends). */
const backgroundWork = new Set<Promise<unknown>>();

/**
 * Resolves once every clean-up of an abandoned create started so far has finished. For tests that must observe
 * the end state deterministically.
 * @internal not exported from the package root.
 */
export async function settleBackgroundWork(): Promise<void> {
  while (backgroundWork.size > 0) await Promise.allSettled([...backgroundWork]);
}

/** Resolves when `p` settles or after `ms`, whichever is first, clearing its timer. */
async function settledWithin(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([p.then(() => undefined, () => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Best effort: stop and release a system we will not hand out (a failed or abandoned create). */
async function discard(rt: Runtime, id: string, handle: HcsSystemHandle, container: Container | undefined): Promise<void> {
  const operation = 'hcs::System::Terminate';
  const startedAt = performance.now();
  const res = await rt.api.terminateComputeSystem(handle, '').catch(() => undefined);
  if (res) trace.call(operation, identityOf(id), res.hr >>> 0, startedAt);
  if (container) {
    // Why wait for SystemExited: a terminate is only accepted when it returns; the system is gone (and its id free
    // for a retry) once it has exited. Bounded: a SystemExited that never comes must not hold the clean-up forever.
    const hr = res ? res.hr >>> 0 : undefined;
    if (hr === HRESULT.S_OK || hr === HRESULT.OPERATION_PENDING) await container.waitTimeout(CREATE_CLEANUP_BOUND_MS).catch(() => undefined);
    await container.close().catch(() => undefined);
  } else await rt.api.closeComputeSystem(handle).catch(() => 0);
}

/**
 * Creates a compute system (`HcsCreateComputeSystem`) from a validated `ContainerConfig` and returns it open,
 * registered for notifications, not yet started.
 *
 * The config is validated and encoded before anything native happens (a bad one rejects with
 * `HcsValidationError`). As in hcsshim, a non-empty `HCSSHIM_CREATECONTAINER_ADDITIONALJSON` environment variable
 * (a JSON object) is merged into the encoded document first ({@link mergeAdditionalJson}); when it is not a JSON
 * object, the create rejects with `HcsValidationError` before any native call. When HCS answers "pending", waits for SystemCreateCompleted: 4 minutes by default,
 * `HCSSHIM_TIMEOUT_SYSTEMCREATE` seconds, or `opts.timeoutMs`. On timeout, abort or any failure after the handle
 * exists, the system is terminated (`HcsTerminateComputeSystem`) and closed (`HcsCloseComputeSystem`), so nothing
 * leaks. As in hcsshim, a timeout rejects only after that clean-up (waiting at most
 * {@link CREATE_CLEANUP_BOUND_MS}); an abort rejects at once and the clean-up finishes in the background, as soon
 * as the native create call has returned (a handle an in-flight call may still use is never released early).
 */
export async function createContainer(id: string, config: ContainerConfig, opts: OperationOptions = {}): Promise<Container> {
  const operation = 'hcs::CreateComputeSystem';
  validateId(id);
  const { timeoutMs: requestedMs, signal } = checkOptions(opts);
  // Read at each call (hcsshim reads it once at start-up), like the HCSSHIM_TIMEOUT_* variables.
  const document = mergeAdditionalJson(encodeContainerConfig(config), process.env[ADDITIONAL_JSON_ENV] ?? '');
  const timeoutMs = timeoutFor('SystemCreate', requestedMs);
  if (signal?.aborted) throw abortErrorFor(signal, operation);
  const rt = runtime();

  let abandoned = false;
  let expectation: Expectation | undefined;
  let created: HcsSystemHandle = 0n as HcsSystemHandle;
  const work = (async (): Promise<Container> => {
    const startedAt = performance.now();
    const res = await rt.api.createComputeSystem(id, document);
    const hr = res.hr >>> 0;
    trace.call(operation, identityOf(id), hr, startedAt);
    const handle = res.value;
    created = handle;
    if (failed(hr) && hr !== HRESULT.OPERATION_PENDING) {
      if (handle !== 0n) await rt.api.closeComputeSystem(handle).catch(() => 0);
      throw hcsErrorFromHresult(hr, { operation, id, result: res.result });
    }
    let reg: RegisteredHandle;
    try {
      // The completion may be delivered while the registration call is still returning (HCS queues it until a
      // callback exists): arm the wait on the new entry before registering (design.md rule 4).
      reg = await RegisteredHandle.open(rt.registry, { kind: 'system', id }, systemHandleOps(rt.api, handle), (entry) => {
        if (hr === HRESULT.OPERATION_PENDING) expectation = entry.expect(NotificationType.SystemCreateCompleted, operation);
      });
    } catch (err) {
      await discard(rt, id, handle, undefined);
      throw err;
    }
    const hooks: ContainerHooks = {};
    const container = attachContainer(rt, id, handle, reg, hooks);
    try {
      if (abandoned) throw new Error('abandoned');
      if (expectation) {
        const outcome = await expectation.promise;
        if (failed(outcome.status)) throw hcsErrorFromHresult(outcome.status, { operation, id, result: outcome.data });
      }
    } catch (err) {
      await discard(rt, id, handle, container);
      throw err;
    }
    if (abandoned) {
      await discard(rt, id, handle, container);
      throw new Error('abandoned');
    }
    hooks.handOut?.();
    return container;
  })();
  let timedOut = false;
  try {
    return await raceWait(work, {
      operation,
      id,
      timeoutMs,
      signal,
      onGiveUp: (reason) => {
        // Our caller has gone: whatever the create still does, finish by terminating and closing the system.
        abandoned = true;
        timedOut = reason instanceof HcsError && reason.code === 'ERR_HCS_TIMEOUT';
        expectation?.cancel(reason);
        const tracked = work
          .then(
            // Resolved all the same: the give-up came in the same turn as the hand-over, after the work's last look
            // at `abandoned`. Nobody will ever hold this Container: release it here.
            (container) => discard(rt, id, created, container),
            () => undefined,
          )
          .finally(() => backgroundWork.delete(tracked));
        backgroundWork.add(tracked);
      },
    });
  } catch (err) {
    // Why wait on a timeout: hcsshim terminates the system before its Create returns the timeout, so a caller that
    // retries with the same id does not collide with the half-created one. An abort is a request to stop waiting
    // now, so it does not wait.
    if (timedOut) await settledWithin(work, CREATE_CLEANUP_BOUND_MS);
    throw err;
  }
}

/** Opens an existing compute system by id (`HcsOpenComputeSystem`) and registers for its notifications. */
export async function openContainer(id: string): Promise<Container> {
  const operation = 'hcs::OpenComputeSystem';
  validateId(id);
  const rt = runtime();
  const startedAt = performance.now();
  const res = await rt.api.openComputeSystem(id);
  const hr = res.hr >>> 0;
  trace.call(operation, identityOf(id), hr, startedAt);
  if (failed(hr)) {
    if (res.value !== 0n) await rt.api.closeComputeSystem(res.value).catch(() => 0);
    throw hcsErrorFromHresult(hr, { operation, id, result: res.result });
  }
  let reg: RegisteredHandle;
  try {
    reg = await RegisteredHandle.open(rt.registry, { kind: 'system', id }, systemHandleOps(rt.api, res.value));
  } catch (err) {
    await rt.api.closeComputeSystem(res.value).catch(() => 0);
    throw err;
  }
  const hooks: ContainerHooks = {};
  const container = attachContainer(rt, id, res.value, reg, hooks);
  await noteExitIfStopped(container, reg);
  hooks.handOut?.();
  return container;
}

/**
 * Records the exit of a system that had already stopped when it was opened. Why: nothing documents that HCS sends a
 * new registration the SystemExited of a system that stopped before it existed, and without it `wait()` would hang.
 * hcsshim (HEAD) queries the properties (`{}`) right after Open as well. A failed query changes nothing: the handle
 * is usable and waits rely on the notification. (The simulator queues notifications per handle, so a handle opened
 * after the exit is never sent it, and its test fails without this query.)
 */
async function noteExitIfStopped(container: Container, reg: RegisteredHandle): Promise<void> {
  try {
    if ((await container.properties()).Stopped && !reg.entry.exitOutcome) reg.entry.deliver(NotificationType.SystemExited, 0, null);
  } catch {
    // See above: the open stands.
  }
}
