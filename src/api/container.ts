import { EventEmitter } from 'node:events';
// Why the module's own: the deferred 'exit' must still fire while a consumer's tests fake the global timers.
import { setImmediate } from 'node:timers';
import {
  type ContainerProperties,
  type MappedVirtualDiskController,
  type ProcessConfig,
  type ProcessListItem,
  type ResourceModificationRequestResponse,
  type Statistics,
  decodeContainerProperties,
  encodePropertyQuery,
  encodeResourceModificationRequest,
} from '../../schemas';
import { HRESULT, type HcsError, HcsValidationError, hcsErrorFromHresult, isAlreadyStopped } from '../errors';
import { alreadyClosedError, decodeDocument, unexpectedValueError } from '../core/hcs-errors';
import { type InvokeTarget, failed, invoke } from '../core/invoke';
import type { NotificationOutcome } from '../core/notification-registry';
import { NotificationType } from '../core/notification-types';
import type { RegisteredHandle } from '../core/registered-handle';
import { checkOptions, checkTimeout } from '../core/options';
import { timeoutFor } from '../core/timeouts';
import { watchUnclosed } from '../core/unclosed-handles';
import { handledWait, raceWait } from '../core/wait';
import type { HcsSystemHandle } from '../ffi/types';
import { processRequest } from './console-input';
import type { OperationOptions, WaitOptions } from './handle-ops';
import { type Process, createProcessOn, openProcessOn } from './process';
import type { Runtime } from './runtime';

const internal = Symbol('Container.internal');

/**
 * Whether an HRESULT means "the system is already stopped or gone": shutdown and terminate treat it as done.
 * hcsshim's IsAlreadyStopped rule (either HCS family), plus "system not found" in either family.
 */
function stoppedOrGone(hr: number): boolean {
  return isAlreadyStopped({ hresult: hr }) || (hr | 0x40000000) >>> 0 === HRESULT.SYSTEM_NOT_FOUND;
}

/**
 * An open compute system (hcsshim's legacy `Container`). Created by {@link createContainer} or
 * {@link openContainer}; close it with {@link Container.close} (or `await using`).
 *
 * Emits `'exit'` once when the system exits (SystemExited), with no argument after a normal exit or the
 * `HcsError` describing an abnormal one. An `'exit'` listener alone does not keep Node alive; a pending
 * {@link Container.wait} does.
 */
export class Container extends EventEmitter {
  /** The compute system id. */
  readonly id: string;
  readonly #rt: Runtime;
  readonly #handle: HcsSystemHandle;
  readonly #reg: RegisteredHandle;
  readonly #closed = { value: false };
  #exitError: HcsError | undefined;
  /** Whether #onExit has run, and whether the caller has the Container yet: 'exit' is emitted only then. */
  #exitSeen = false;
  #handedOut = false;

  /** @internal use {@link createContainer} or {@link openContainer}. */
  constructor(
    token: typeof internal,
    rt: Runtime,
    id: string,
    handle: HcsSystemHandle,
    reg: RegisteredHandle,
    hooks: ContainerHooks,
  ) {
    if (token !== internal) throw new TypeError('Container cannot be constructed directly: use createContainer() or openContainer()');
    super();
    this.id = id;
    this.#rt = rt;
    this.#handle = handle;
    this.#reg = reg;
    hooks.handOut = () => this.#handOut();
    // Why a WeakRef: the registry entry lives in a process-wide map; a strong reference from it would keep an
    // unclosed Container alive forever and the finalizer below could never report it.
    const self = new WeakRef(this);
    reg.entry.exited().then(
      (outcome) => {
        const container = self.deref();
        if (container) container.#onExit(outcome);
      },
      () => {},
    );
    watchUnclosed(this, { kind: 'Container', id, closed: this.#closed });
  }

  #onExit(outcome: NotificationOutcome): void {
    this.#exitError = this.#exitErrorOf(outcome);
    this.#exitSeen = true;
    if (this.#handedOut) this.emit('exit', this.#exitError);
  }

  /**
   * Called when the Container is returned to the caller. An exit seen before that (openContainer of a system that
   * had already stopped) is emitted once the caller's continuation has run, so an 'exit' listener attached right
   * after `await openContainer()` still hears it.
   */
  #handOut(): void {
    this.#handedOut = true;
    if (this.#exitSeen) setImmediate(() => this.emit('exit', this.#exitError));
  }

  #exitErrorOf(outcome: NotificationOutcome): HcsError | undefined {
    if (!failed(outcome.status)) return undefined;
    return hcsErrorFromHresult(outcome.status, { operation: 'hcs::System::Wait', id: this.id, result: outcome.data });
  }

  get #target(): InvokeTarget {
    return { lifecycle: this.#reg.lifecycle, entry: this.#reg.entry, id: this.id };
  }

  /** Whether the SystemExited notification has arrived. */
  get exited(): boolean {
    return this.#reg.entry.exitOutcome !== undefined;
  }

  /** The error of an abnormal exit (SystemExited with a failure status, e.g. 0xC0370106), once exited. */
  get exitError(): HcsError | undefined {
    return this.#exitError;
  }

  /**
   * Starts the system (`HcsStartComputeSystem`), waiting for SystemStartCompleted when the call is pending
   * (default timeout 4 minutes, or `HCSSHIM_TIMEOUT_SYSTEMSTART` seconds). Rejects with `ERR_HCS_UNEXPECTED_EXIT`
   * if the system exits first.
   */
  async start(opts: OperationOptions = {}): Promise<void> {
    await this.#timed('hcs::System::Start', 'SystemStart', NotificationType.SystemStartCompleted, opts, (h) =>
      this.#rt.api.startComputeSystem(h, ''),
    );
  }

  /** Pauses the system (`HcsPauseComputeSystem`), waiting for SystemPauseCompleted when pending. */
  async pause(opts: OperationOptions = {}): Promise<void> {
    await this.#timed('hcs::System::Pause', 'SystemPause', NotificationType.SystemPauseCompleted, opts, (h) =>
      this.#rt.api.pauseComputeSystem(h, ''),
    );
  }

  /** Resumes a paused system (`HcsResumeComputeSystem`), waiting for SystemResumeCompleted when pending. */
  async resume(opts: OperationOptions = {}): Promise<void> {
    await this.#timed('hcs::System::Resume', 'SystemResume', NotificationType.SystemResumeCompleted, opts, (h) =>
      this.#rt.api.resumeComputeSystem(h, ''),
    );
  }

  #timed(
    operation: string,
    timer: 'SystemStart' | 'SystemPause' | 'SystemResume',
    expect: number,
    opts: OperationOptions,
    call: (h: HcsSystemHandle) => ReturnType<Runtime['api']['startComputeSystem']>,
  ): Promise<unknown> {
    const { timeoutMs, signal } = checkOptions(opts);
    return invoke(this.#target, operation, () => call(this.#handle), {
      expect,
      timeoutMs: timeoutFor(timer, timeoutMs),
      signal,
    });
  }

  /**
   * Asks the system to shut down cleanly (`HcsShutdownComputeSystem`). Resolves once the request is accepted —
   * use {@link Container.wait} for the exit — and also when the system has already stopped or exited.
   */
  async shutdown(opts: OperationOptions = {}): Promise<void> {
    await this.#stop('hcs::System::Shutdown', opts, (h) => this.#rt.api.shutdownComputeSystem(h, ''));
  }

  /**
   * Forcibly stops the system (`HcsTerminateComputeSystem`). Resolves once the request is accepted and also when
   * the system has already stopped or exited.
   */
  async terminate(opts: OperationOptions = {}): Promise<void> {
    await this.#stop('hcs::System::Terminate', opts, (h) => this.#rt.api.terminateComputeSystem(h, ''));
  }

  async #stop(
    operation: string,
    opts: OperationOptions,
    call: (h: HcsSystemHandle) => ReturnType<Runtime['api']['shutdownComputeSystem']>,
  ): Promise<void> {
    const { timeoutMs, signal } = checkOptions(opts);
    this.#reg.lifecycle.ensureOpen(operation);
    if (this.exited) return;
    // Pending is "accepted" here: completion is SystemExited, observed through wait() (reference 4.3).
    await invoke(this.#target, operation, () => call(this.#handle), {
      timeoutMs,
      signal,
      tolerate: stoppedOrGone,
    });
  }

  /**
   * Resolves when the system has exited: the SystemExited notification delivered to the callback registered with
   * `HcsRegisterComputeSystemCallback` (no call is made), however many times it is called, before or after the
   * exit. After an abnormal exit (SystemExited with a failure status, e.g. 0xC0370106) it rejects with that exit
   * error, each time ({@link Container.exitError} holds it too), as hcsshim's Container.Wait returns it. Rejects
   * with `ERR_HCS_ALREADY_CLOSED` if the handle is closed first, `ERR_HCS_SERVICE_DISCONNECT` if vmcompute goes
   * away, or an `AbortError` from `opts.signal`. A dropped wait that rejects is not an unhandled rejection.
   */
  wait(opts: WaitOptions = {}): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      ({ signal } = checkOptions(opts));
    } catch (err) {
      return Promise.reject(err);
    }
    return handledWait(this.#wait('hcs::System::Wait', { signal }));
  }

  /**
   * Like {@link Container.wait} (SystemExited through `HcsRegisterComputeSystemCallback`) with a time limit: rejects with `ERR_HCS_TIMEOUT` after `ms` milliseconds. The
   * handle stays usable and a later exit is handled normally.
   */
  waitTimeout(ms: number): Promise<void> {
    try {
      checkTimeout(ms, 'ms');
    } catch (err) {
      return Promise.reject(err);
    }
    return handledWait(this.#wait('hcs::System::WaitTimeout', { timeoutMs: ms }));
  }

  async #wait(operation: string, opts: { signal?: AbortSignal; timeoutMs?: number }): Promise<void> {
    const entry = this.#reg.entry;
    let outcome = entry.exitOutcome;
    if (!outcome) {
      if (this.#reg.lifecycle.state !== 'open') throw alreadyClosedError(operation, { id: this.id });
      outcome = await raceWait(entry.exited(), { operation, id: this.id, ...opts });
    }
    // Why an abnormal exit rejects: hcsshim's legacy Container.Wait returns the exit error (ExitError(), e.g.
    // HCS_E_UNEXPECTED_EXIT) when the wait itself succeeded, so `if err := c.Wait(); err != nil` sees crashes.
    this.#exitError ??= this.#exitErrorOf(outcome);
    if (this.#exitError) throw this.#exitError;
  }

  /**
   * Always `false`, without calling HCS (the `PendingUpdates` property of `HcsGetComputeSystemProperties` is not
   * queried): hcsshim has answered this way since v0.7 (HCS no longer reports pending
   * updates). Rejects with `ERR_HCS_ALREADY_CLOSED` after close.
   */
  async hasPendingUpdates(): Promise<boolean> {
    this.#reg.lifecycle.ensureOpen('hcs::System::HasPendingUpdates');
    return false;
  }

  /**
   * Queries `HcsGetComputeSystemProperties` with `{"PropertyTypes":[...]}` (`{}` when none are given) and decodes
   * the ContainerProperties document.
   */
  async properties(propertyTypes?: string[]): Promise<ContainerProperties> {
    const operation = 'hcs::System::Properties';
    const query = encodePropertyQuery(propertyTypes === undefined ? {} : { PropertyTypes: propertyTypes });
    const res = await invoke(this.#target, operation, () => this.#rt.api.getComputeSystemProperties(this.#handle, query));
    if (res.value === null) throw unexpectedValueError(operation, { id: this.id }, 'no properties document');
    return decodeDocument(operation, { id: this.id }, 'properties document', decodeContainerProperties, res.value);
  }

  /** Resource usage: the `Statistics` property (`HcsGetComputeSystemProperties`). */
  async statistics(): Promise<Statistics> {
    return (await this.properties(['Statistics'])).Statistics;
  }

  /** Processes running in the system: the `ProcessList` property (`HcsGetComputeSystemProperties`). */
  async processList(): Promise<ProcessListItem[]> {
    return (await this.properties(['ProcessList'])).ProcessList;
  }

  /** Mapped virtual disks by controller number: the `MappedVirtualDisk` property (`HcsGetComputeSystemProperties`). */
  async mappedVirtualDisks(): Promise<Record<number, MappedVirtualDiskController>> {
    return (await this.properties(['MappedVirtualDisk'])).MappedVirtualDiskControllers;
  }

  /** Validates and sends a resource modification (`HcsModifyComputeSystem`); synchronous in HCS, no wait. */
  async modify(request: ResourceModificationRequestResponse): Promise<void> {
    const document = encodeResourceModificationRequest(request);
    await invoke(this.#target, 'hcs::System::Modify', () => this.#rt.api.modifyComputeSystem(this.#handle, document));
  }

  /**
   * Validates the config, starts a process (`HcsCreateProcess`) and registers for its exit. Its stdio (the pipes
   * requested with `CreateStd*Pipe`) is available through {@link Process.stdio}. A console process
   * (`EmulateConsole`) always gets a stdin pipe from HCS: without `CreateStdInPipe` the binding holds it until
   * {@link Process.close} (ConPTY ends a console process started without stdin) and `stdio()` gives `stdin: null`.
   * The Process is independent of this Container: close both.
   */
  async createProcess(config: ProcessConfig): Promise<Process> {
    const { document, holdsConsoleInput } = processRequest(config);
    return createProcessOn(this.#rt, this.#target, this.#handle, document, holdsConsoleInput);
  }

  /** Opens an existing process by pid (`HcsOpenProcess`); its stdio comes from `HcsGetProcessInfo`. */
  async openProcess(pid: number): Promise<Process> {
    if (!Number.isInteger(pid) || pid < 0 || pid > 0xffffffff) {
      throw new HcsValidationError('pid', [{ path: '(root)', message: 'must be an integer from 0 to 4294967295' }]);
    }
    return openProcessOn(this.#rt, this.#target, this.#handle, pid);
  }

  /**
   * Closes the handle (design.md rule 5): waits for in-flight calls, unregisters the notification callback
   * (`HcsUnregisterComputeSystemCallback`), closes the handle (`HcsCloseComputeSystem`), then rejects pending waits with `ERR_HCS_ALREADY_CLOSED`. Idempotent. Processes opened through this
   * container are separate handles and stay open (as in hcsshim): close them too.
   */
  close(): Promise<void> {
    this.#closed.value = true;
    return this.#reg.close();
  }

  /** Same as {@link Container.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Filled in by the Container constructor for the module functions that hand the Container out. */
export interface ContainerHooks {
  handOut?: () => void;
}

/** @internal wraps a registered system handle in a Container; call `hooks.handOut` when returning it. */
export function attachContainer(
  rt: Runtime,
  id: string,
  handle: HcsSystemHandle,
  reg: RegisteredHandle,
  hooks: ContainerHooks,
): Container {
  return new Container(internal, rt, id, handle, reg, hooks);
}
