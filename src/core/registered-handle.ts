import { hcsErrorFromHresult } from '../errors';
import type { HcsCallbackHandle } from '../ffi/types';
import { alreadyClosedError } from './hcs-errors';
import { HandleLifecycle } from './handle-lifecycle';
import { failed } from './invoke';
import type { EntryIdentity, NotificationRegistry, RegistryEntry } from './notification-registry';
import { identityOf, trace } from './trace';

/** The native steps behind one handle: register/unregister its notification callback and close it. */
export interface HandleOps {
  /** `HcsRegister*Callback(handle, callback, context)`. */
  register(context: number): Promise<{ hr: number; value: HcsCallbackHandle }>;
  /** `HcsUnregister*Callback`. Waits (off the JS thread) for in-flight callbacks. */
  unregister(callback: HcsCallbackHandle): Promise<number>;
  /** `HcsClose*`. */
  close(): Promise<number>;
  /** Operation-name prefix for errors, e.g. `hcs::System` or `hcs::Process`. */
  prefix: string;
}

/**
 * An open HCS handle with its notification registration: the lifecycle (open → closing → closed, in-flight
 * tracking) plus the registry entry its callback context points at.
 */
export class RegisteredHandle {
  readonly lifecycle: HandleLifecycle;
  readonly entry: RegistryEntry;
  readonly #ops: HandleOps;
  #callback: HcsCallbackHandle | undefined;

  private constructor(entry: RegistryEntry, ops: HandleOps) {
    this.entry = entry;
    this.#ops = ops;
    this.lifecycle = new HandleLifecycle((operation) => alreadyClosedError(operation, entry.identity));
  }

  /**
   * Creates the registry entry, lets `beforeRegister` arm waits on it (e.g. CreateCompleted, whose notification HCS
   * may deliver during registration), then registers the callback. If registration fails the entry is removed and
   * the error thrown; the native handle is left for the caller to terminate/close.
   */
  static async open(
    registry: NotificationRegistry,
    identity: EntryIdentity,
    ops: HandleOps,
    beforeRegister?: (entry: RegistryEntry) => void,
  ): Promise<RegisteredHandle> {
    const entry = registry.open(identity);
    const handle = new RegisteredHandle(entry, ops);
    beforeRegister?.(entry);
    const operation = `${ops.prefix}::RegisterCallback`;
    try {
      const startedAt = performance.now();
      const res = await ops.register(entry.context);
      trace.call(operation, identityOf(identity.id, identity.pid), res.hr, startedAt);
      if (failed(res.hr >>> 0)) {
        // A refused registration that still wrote a callback handle (HCS is not known to) is unregistered, so it
        // cannot outlive the entry and call in with a context that no longer names anything.
        if (res.value) await ops.unregister(res.value).catch(() => 0);
        throw hcsErrorFromHresult(res.hr >>> 0, { operation, id: identity.id, pid: identity.pid });
      }
      handle.#callback = res.value;
    } catch (err) {
      entry.fail((op) => alreadyClosedError(op, identity));
      entry.remove();
      throw err;
    }
    return handle;
  }

  /**
   * Closes once (design.md rule 5): refuses new calls, waits for in-flight ones, unregisters the callback, closes
   * the handle, then settles every pending wait with `ERR_HCS_ALREADY_CLOSED` and drops the entry. Both native steps
   * are attempted even if the first fails; the first failure rejects.
   */
  close(): Promise<void> {
    return this.lifecycle.close(async () => {
      const who = this.entry.identity;
      let firstError: unknown;
      const step = async (operation: string, run: () => Promise<number>): Promise<void> => {
        const startedAt = performance.now();
        try {
          const hr = (await run()) >>> 0;
          trace.call(operation, identityOf(who.id, who.pid), hr, startedAt);
          if (failed(hr)) throw hcsErrorFromHresult(hr, { operation, id: who.id, pid: who.pid });
        } catch (err) {
          firstError ??= err;
        }
      };
      const callback = this.#callback;
      this.#callback = undefined;
      if (callback !== undefined) await step(`${this.#ops.prefix}::UnregisterCallback`, () => this.#ops.unregister(callback));
      await step(`${this.#ops.prefix}::Close`, () => this.#ops.close());
      this.entry.fail((operation) => alreadyClosedError(operation, who));
      this.entry.remove();
      if (firstError !== undefined) throw firstError;
    });
  }
}
