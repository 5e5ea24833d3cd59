import type { HcsError } from '../errors';
import type { NotificationListener } from '../ffi/types';
import { type ErrorIdentity, serviceDisconnectError, unexpectedExitError } from './hcs-errors';
import { NotificationType, completionTypes, isDisconnectType, notificationName } from './notification-types';
import { identityOf, trace } from './trace';

/** What a notification carried: its status HRESULT (unsigned) and a copy of its data, if any. */
export interface NotificationOutcome {
  status: number;
  data: string | null;
}

/** Which kind of handle an entry belongs to: it decides which notification means "exited". */
export type HandleKind = 'system' | 'process';

/** Identity of a registered handle, for errors and tracing only. */
export interface EntryIdentity extends ErrorIdentity {
  kind: HandleKind;
}

/** A wait for one completion notification, armed before the call that causes it (design.md rule 4). */
export interface Expectation {
  /** Settles with the notification, or rejects on exit, disconnect, close or {@link Expectation.cancel}. */
  readonly promise: Promise<NotificationOutcome>;
  /**
   * Stops expecting (after a timeout or abort, or when the call did not go pending); rejects with `reason` if given
   * and the expectation was still pending. Only the first call has an effect.
   */
  cancel(reason?: unknown): void;
  /**
   * The call this was armed for failed, so no completion was its own: one it was already given belongs to a
   * concurrent call of the same type, which gets it now (the oldest still waiting), instead of timing out.
   */
  handBack(): void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be listening when an entry fails (e.g. close with no wait pending): never an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

interface PendingExpectation {
  type: number;
  operation: string;
  deferred: Deferred<NotificationOutcome>;
  /** The completion it was given, if any. */
  delivered?: NotificationOutcome;
}

/**
 * The notification state of one registered handle (one callback context).
 *
 * - The exit notification (SystemExited or ProcessExited) is latched for the life of the entry: the first one wins,
 *   duplicates are ignored, and waits started before or after it all observe it.
 * - A completion notification (Create/Start/Pause/Resume) goes to the oldest pending {@link Expectation} of its
 *   type; with none pending it is ignored. Expectations are armed before the call (rule 4), so anything arriving
 *   while nobody expects it is a late duplicate of an earlier operation and must not satisfy a later one.
 * - Memory per entry is bounded by the expectations callers hold, never by what HCS sends.
 */
export class RegistryEntry {
  readonly context: number;
  readonly identity: EntryIdentity;
  readonly #exitType: number;
  #exit: NotificationOutcome | undefined;
  readonly #exitDeferred = deferred<NotificationOutcome>();
  readonly #pending: PendingExpectation[] = [];
  #failure: ((operation: string) => HcsError) | undefined;
  #onRemove: ((entry: RegistryEntry) => void) | undefined;

  /** @internal created by {@link NotificationRegistry.open}. */
  constructor(context: number, identity: EntryIdentity, onRemove: (entry: RegistryEntry) => void) {
    this.context = context;
    this.identity = identity;
    this.#exitType = identity.kind === 'system' ? NotificationType.SystemExited : NotificationType.ProcessExited;
    this.#onRemove = onRemove;
  }

  /** The latched exit notification, if it arrived. */
  get exitOutcome(): NotificationOutcome | undefined {
    return this.#exit;
  }

  /** Whether the entry has failed (service disconnect or close). */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /** The error that ended this entry, phrased for `operation`, if it has failed. Calls should fail fast with it. */
  failureFor(operation: string): HcsError | undefined {
    return this.#failure?.(operation);
  }

  /** How many expectations are pending (for tests: must not grow with what HCS sends). */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Resolves on the exit notification (already latched or future); rejects if the entry fails first. */
  exited(): Promise<NotificationOutcome> {
    return this.#exitDeferred.promise;
  }

  /**
   * Arms a wait for the next `type` completion. Rejects at once if the entry has failed, and with
   * `ERR_HCS_UNEXPECTED_EXIT` when the system exits first (including when it already has).
   */
  expect(type: number, operation: string): Expectation {
    const d = deferred<NotificationOutcome>();
    const item: PendingExpectation = { type, operation, deferred: d };
    if (this.#failure) d.reject(this.#failure(operation));
    else if (this.#exit) d.reject(unexpectedExitError(operation, this.identity));
    else this.#pending.push(item);
    let cancelled = false;
    let handedBack = false;
    return {
      promise: d.promise,
      cancel: (reason?: unknown) => {
        if (cancelled) return;
        cancelled = true;
        const i = this.#pending.indexOf(item);
        if (i >= 0) this.#pending.splice(i, 1);
        if (reason !== undefined) d.reject(reason);
      },
      handBack: () => {
        const outcome = item.delivered;
        if (handedBack || outcome === undefined || this.#failure) return;
        handedBack = true;
        const i = this.#pending.findIndex((p) => p.type === type);
        if (i >= 0) this.#settle(i, outcome);
      },
    };
  }

  #settle(index: number, outcome: NotificationOutcome): void {
    const [p] = this.#pending.splice(index, 1);
    p!.delivered = outcome;
    p!.deferred.resolve(outcome);
  }

  /** @internal routes one notification for this context. Never throws. */
  deliver(type: number, status: number, data: string | null): void {
    if (this.#failure) return;
    const outcome: NotificationOutcome = { status, data };
    if (type === this.#exitType) {
      if (this.#exit) return;
      this.#exit = outcome;
      // Why: hcsshim's waitForNotification treats SystemExited during a pending Start/Pause/... as an unexpected
      // exit (pain point 6); a wait for a completion that can no longer come must not hang until its timeout.
      for (const p of this.#pending.splice(0)) p.deferred.reject(unexpectedExitError(p.operation, this.identity));
      this.#exitDeferred.resolve(outcome);
      return;
    }
    if (!completionTypes.has(type) || this.identity.kind !== 'system') {
      trace.note('ignored notification %s for %s', notificationName(type), identityOf(this.identity.id, this.identity.pid));
      return;
    }
    const i = this.#pending.findIndex((p) => p.type === type);
    if (i < 0) {
      trace.note('unexpected %s for %s ignored', notificationName(type), identityOf(this.identity.id, this.identity.pid));
      return;
    }
    this.#settle(i, outcome);
  }

  /**
   * Ends the entry: every pending expectation and a not-yet-observed exit wait reject with `makeError(operation)`;
   * later notifications are ignored. The first failure wins.
   */
  fail(makeError: (operation: string) => HcsError): void {
    if (this.#failure) return;
    this.#failure = makeError;
    for (const p of this.#pending.splice(0)) p.deferred.reject(makeError(p.operation));
    if (!this.#exit) this.#exitDeferred.reject(makeError(this.identity.kind === 'system' ? 'hcs::System::Wait' : 'hcs::Process::Wait'));
  }

  /** Removes the entry from its registry so later notifications for its context are dropped. Idempotent. */
  remove(): void {
    const onRemove = this.#onRemove;
    this.#onRemove = undefined;
    onRemove?.(this);
  }
}

/** The part of the FFI binding the registry needs. */
export interface ListenerHost {
  setNotificationListener(listener: NotificationListener): void;
}

/**
 * The single notification dispatcher for the process (design.md rule 1). Each registered handle gets a fresh
 * integer context (never reused, never 0) that maps to a {@link RegistryEntry}; the one listener set on the FFI
 * layer looks the context up, records the outcome and returns. A notification for an unknown context (a handle
 * already closed) is dropped.
 */
export class NotificationRegistry {
  readonly #host: ListenerHost;
  readonly #entries = new Map<number, RegistryEntry>();
  #installed = false;
  #nextContext = 1;

  constructor(host: ListenerHost) {
    this.#host = host;
  }

  /** Number of live entries (for leak checks in tests). */
  get size(): number {
    return this.#entries.size;
  }

  /** Creates the entry for a handle about to be registered; installs the listener on first use. */
  open(identity: EntryIdentity): RegistryEntry {
    if (!this.#installed) {
      this.#host.setNotificationListener((type, context, status, data) => this.#dispatch(type, context, status, data));
      this.#installed = true;
    }
    const context = this.#nextContext++;
    const entry = new RegistryEntry(context, identity, (e) => {
      if (this.#entries.get(e.context) === e) this.#entries.delete(e.context);
    });
    this.#entries.set(context, entry);
    return entry;
  }

  /** Looks an entry up by context (tests). */
  get(context: number): RegistryEntry | undefined {
    return this.#entries.get(context);
  }

  #dispatch(type: number, context: number, status: number, data: string | null): void {
    // Why the try: an exception escaping a koffi callback becomes an uncaughtException and kills the process
    // (koffi-and-toolchain.md C.4); nothing here is allowed to throw into HCS's thread.
    try {
      type >>>= 0;
      status >>>= 0;
      const entry = this.#entries.get(context);
      if (trace.enabled) trace.notification(notificationName(type), context, status, entry ? identityOf(entry.identity.id, entry.identity.pid) : undefined);
      if (isDisconnectType(type)) {
        // Why every handle: vmcompute.exe itself went away (hcsshim PR #586); no handle opened before now can
        // complete anything. Why only from a live, not yet failed entry: HCS sends the disconnect to every
        // registration, and a copy delivered late (to an entry the first copy failed, or to one already closed)
        // must not fail handles opened since, which talk to a new service instance.
        if (!entry || entry.failed) return;
        for (const e of this.#entries.values()) e.fail((operation) => serviceDisconnectError(operation, e.identity));
        return;
      }
      entry?.deliver(type, status, data);
    } catch (err) {
      trace.note('notification listener error ignored: %s', String(err));
    }
  }
}
