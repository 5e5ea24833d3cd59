import { EventEmitter } from 'node:events';
// Why from node:timers: the deferred 'exit' must still fire while a consumer's tests fake the global timers.
import { setImmediate } from 'node:timers';
import { type SignalProcessRequest, encodeProcessModifyRequest, encodeSignalRequest } from '../../schemas';
import { HRESULT, HcsError } from '../errors';
import { alreadyClosedError, invalidProcessStateError, unexpectedValueError } from '../core/hcs-errors';
import { type InvokeTarget, failed, invoke } from '../core/invoke';
import { RegisteredHandle } from '../core/registered-handle';
import type { ProcessStdio, RawStdioHandles } from '../core/stdio-types';
import { watchUnclosed } from '../core/unclosed-handles';
import { checkOptions, checkTimeout } from '../core/options';
import { raceWait } from '../core/wait';
import type { HcsProcessHandle, HcsSystemHandle } from '../ffi/types';
import { type WaitOptions, processHandleOps } from './handle-ops';
import {
  alreadyStopped,
  type ExitInfo,
  killDone,
  KILL_EXIT_GRACE_MS,
  exitInfoAfterKill,
  exitInfoFromNotification,
  exitInfoFromProperties,
  exitInfoFromStatus,
  queryProcessStatus,
} from './process-exit';
import { ProcessPipes, destroyAll, rawHandles } from './process-pipes';
import type { Runtime } from './runtime';

const internal = Symbol('Process.internal');

/** Filled in by the Process constructor for the module functions that hand the Process out. */
interface ProcessHooks {
  handOut?: () => void;
}

function noop(): void {}

/**
 * A process in a compute system (hcsshim's legacy `Process`). Emits `'exit'` exactly once with the exit code.
 *
 * Exit code rules: taken from the ProcessExited notification's ProcessStatus data, else from
 * `HcsGetProcessProperties`; `-1` with {@link Process.exitError} set when HCS reports a failed wait
 * (`LastWaitResult` non-zero, a failure status) or the status cannot be read — never a made-up 0.
 */
export class Process extends EventEmitter {
  /** The process id in the compute system. */
  readonly pid: number;
  /** The id of the compute system the process runs in. */
  readonly containerId: string;
  readonly #rt: Runtime;
  readonly #handle: HcsProcessHandle;
  readonly #reg: RegisteredHandle;
  readonly #closed = { value: false };
  readonly #pipes: ProcessPipes;
  #exit: ExitInfo | undefined;
  /** Whether the caller has the Process yet: 'exit' is emitted only then (see #handOut). */
  #handedOut = false;
  #killCheck: NodeJS.Timeout | undefined;
  /** The closeStdin() under way or done; cleared when it fails, so that a later call tries again. */
  #stdinClose: Promise<void> | undefined;
  /** Resolves with the exit code once known; rejects if the handle fails (close, disconnect) before the exit. */
  readonly #exitCode: Promise<number>;
  #settleExit!: (code: number) => void;

  /** @internal use {@link Container.createProcess} or {@link Container.openProcess}. */
  constructor(
    token: typeof internal,
    rt: Runtime,
    containerId: string,
    pid: number,
    handle: HcsProcessHandle,
    reg: RegisteredHandle,
    stdio: RawStdioHandles | undefined,
    holdsConsoleInput: boolean,
    hooks: ProcessHooks,
  ) {
    if (token !== internal) throw new TypeError('Process cannot be constructed directly: use Container.createProcess()');
    super();
    this.pid = pid;
    this.containerId = containerId;
    this.#rt = rt;
    this.#handle = handle;
    this.#reg = reg;
    this.#pipes = new ProcessPipes(rt, stdio, holdsConsoleInput);
    let failExit!: (reason: unknown) => void;
    this.#exitCode = new Promise<number>((resolve, reject) => {
      this.#settleExit = resolve;
      failExit = reject;
    });
    // Nobody may be waiting when the handle fails: never an unhandled rejection.
    this.#exitCode.catch(() => {});
    // The entry's exit reaction holds this Process until the exit, on purpose: a pending wait() must settle even when
    // the caller kept no reference to the Process. Once the exit (or a failure) has settled it, nothing in the
    // registry refers to it, so an unclosed Process can be collected and reported (watchUnclosed).
    const who = { id: containerId, pid };
    const record = (info: ExitInfo): void => this.#recordExit(info);
    hooks.handOut = () => this.#handOut();
    reg.entry.exited().then(
      (outcome) => {
        // Why two steps: the usual exit carries its ProcessStatus and settles in this same turn; only an exit without
        // one pays for the extra call (and the extra promise hops) of asking HCS.
        const info = exitInfoFromNotification(outcome, who);
        if (info) record(info);
        else void exitInfoFromProperties(rt, reg, handle, who).then(record);
      },
      // The entry failed before any exit: waits reject with its error (a later exit cannot come).
      failExit,
    );
    watchUnclosed(this, { kind: 'Process', id: containerId, pid, closed: this.#closed });
  }

  #recordExit(info: ExitInfo): void {
    if (this.#exit) return;
    this.#exit = info;
    this.#settleExit(info.code);
    if (this.#handedOut) this.emit('exit', info.code);
  }

  /**
   * Called when the Process is returned to the caller. An exit recorded before that (a process that had already
   * exited when opened, or one so short-lived that its exit came during registration) is emitted once the caller's
   * continuation has run, so an 'exit' listener attached right after `await createProcess()` still hears it.
   */
  #handOut(): void {
    this.#handedOut = true;
    const exit = this.#exit;
    if (exit) setImmediate(() => this.emit('exit', exit.code));
  }

  get #target(): InvokeTarget {
    return { lifecycle: this.#reg.lifecycle, entry: this.#reg.entry, id: this.containerId, pid: this.pid };
  }

  /** Whether the exit has been observed. */
  get exited(): boolean {
    return this.#exit !== undefined;
  }

  /** Why the exit code is `-1`, when HCS reported a failed wait or the status could not be read. */
  get exitError(): HcsError | undefined {
    return this.#exit?.error;
  }

  /**
   * Terminates the process (`HcsTerminateProcess`). Resolves once delivered, and also when the process has
   * already exited or HCS says it is already stopped (or, as hcsshim, access denied: a terminated process); the exit
   * itself is observed through {@link Process.wait}. When ProcessExited has not come 1 s after a kill, the binding
   * asks HCS once and ends the waits with the exit it reports (a kill can race the exit and lose the notification).
   */
  async kill(): Promise<void> {
    const operation = 'hcs::Process::Kill';
    this.#reg.lifecycle.ensureOpen(operation);
    if (this.#exit || this.#reg.entry.exitOutcome) return;
    try {
      await invoke(this.#target, operation, () => this.#rt.api.terminateProcess(this.#handle), {
        tolerate: killDone,
      });
    } finally {
      this.#checkExitAfterKill();
    }
  }

  /**
   * Unless ProcessExited arrives within {@link KILL_EXIT_GRACE_MS}, asks HCS once (`HcsGetProcessProperties`):
   * an exited process gets its real exit code, one HCS no longer knows gets `-1` with the error, and a running one
   * nothing (waits go on). hcsshim instead ends its waits with `-1` after the grace whenever the kill was refused.
   */
  #checkExitAfterKill(): void {
    // A failed entry (service disconnect) can learn nothing more from HCS.
    if (this.#killCheck !== undefined || this.#reg.lifecycle.state !== 'open' || this.#reg.entry.failed) return;
    const timer = setTimeout(() => {
      this.#killCheck = undefined;
      if (this.#exit || this.#reg.entry.exitOutcome || this.#reg.lifecycle.state !== 'open') return;
      const who = { id: this.containerId, pid: this.pid };
      void exitInfoAfterKill(this.#rt, this.#reg, this.#handle, who).then((info) => {
        if (info) this.#recordExit(info);
      });
    }, KILL_EXIT_GRACE_MS);
    // Only a pending wait() keeps Node alive (it holds the keep-alive); this check alone must not.
    timer.unref();
    this.#killCheck = timer;
  }

  /**
   * Sends a signal (`HcsSignalProcess`): `{ Signal: 'CtrlC' }` etc. for Windows, a number for Linux guests.
   * Validated before anything is sent. Resolves also when the process has already exited.
   */
  async signal(options: SignalProcessRequest): Promise<void> {
    const operation = 'hcs::Process::Signal';
    const document = encodeSignalRequest(options);
    this.#reg.lifecycle.ensureOpen(operation);
    if (this.#exit) return;
    await invoke(this.#target, operation, () => this.#rt.api.signalProcess(this.#handle, document), {
      tolerate: alreadyStopped,
    });
  }

  /**
   * Resolves with the exit code once the process has exited (the ProcessExited notification delivered to the
   * callback registered with `HcsRegisterProcessCallback`, then `HcsGetProcessProperties` if its data has no
   * status), any number of times. Rejects with
   * `ERR_HCS_ALREADY_CLOSED` if the handle is closed first, `ERR_HCS_SERVICE_DISCONNECT` if vmcompute goes away,
   * or an `AbortError` from `opts.signal`.
   */
  wait(opts: WaitOptions = {}): Promise<number> {
    let signal: AbortSignal | undefined;
    try {
      ({ signal } = checkOptions(opts));
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#wait('hcs::Process::Wait', { signal });
  }

  /** Like {@link Process.wait} (ProcessExited through `HcsRegisterProcessCallback`) with a limit: rejects with `ERR_HCS_TIMEOUT` after `ms`; the handle stays usable. */
  waitTimeout(ms: number): Promise<number> {
    try {
      checkTimeout(ms, 'ms');
    } catch (err) {
      return Promise.reject(err);
    }
    return this.#wait('hcs::Process::WaitTimeout', { timeoutMs: ms });
  }

  // Why not async: the exit notification is the latency users feel (issue #6 notify); returning raceWait's promise
  // itself saves the extra promise hops an async wrapper adds between the exit and the caller's continuation.
  #wait(operation: string, options: { signal?: AbortSignal; timeoutMs?: number }): Promise<number> {
    try {
      if (this.#exit) return Promise.resolve(this.#exit.code);
      if (this.#reg.lifecycle.state !== 'open') throw alreadyClosedError(operation, { id: this.containerId, pid: this.pid });
      return raceWait(this.#exitCode, { operation, id: this.containerId, pid: this.pid, ...options });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * The exit code. Before the exit, asks HCS (`HcsGetProcessProperties`) and rejects with
   * `ERR_HCS_INVALID_PROCESS_STATE` if the process is still running.
   */
  async exitCode(): Promise<number> {
    const operation = 'hcs::Process::ExitCode';
    if (this.#exit) return this.#exit.code;
    const status = await queryProcessStatus(this.#rt, this.#target, this.#handle, operation);
    if (!status.Exited) throw invalidProcessStateError(operation, { id: this.containerId, pid: this.pid });
    this.#recordExit(exitInfoFromStatus(status, { id: this.containerId, pid: this.pid }));
    return this.#exit!.code;
  }

  /** Resizes the process's console (`HcsModifyProcess` ConsoleSize); only meaningful with `EmulateConsole`. */
  async resizeConsole(width: number, height: number): Promise<void> {
    const document = encodeProcessModifyRequest({ Operation: 'ConsoleSize', ConsoleSize: { Height: height, Width: width } });
    await invoke(this.#target, 'hcs::Process::ResizeConsole', () => this.#rt.api.modifyProcess(this.#handle, document));
  }

  /**
   * The process's stdio as Node streams (`null` for pipes not requested). The first call returns the pipes from
   * `HcsCreateProcess`; later calls (and every call on an opened process) get fresh handles from
   * `HcsGetProcessInfo`. All output arrives before `'end'`, which may come after the `'exit'` event.
   * {@link Process.close} destroys every stream handed out.
   */
  async stdio(): Promise<ProcessStdio> {
    const operation = 'hcs::Process::Stdio';
    this.#reg.lifecycle.ensureOpen(operation);
    let raw = this.#pipes.takeCreated();
    const fresh = raw === undefined;
    if (!raw) {
      const res = await invoke(this.#target, operation, () => this.#rt.api.getProcessInfo(this.#handle));
      raw = rawHandles(res.value);
    }
    try {
      return this.#pipes.open(raw, fresh);
    } catch (err) {
      // The opener has closed the handles it could not wrap (StdioOpener's contract); report an HcsError.
      if (err instanceof HcsError) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw unexpectedValueError(operation, { id: this.containerId, pid: this.pid }, `the stdio handles could not be opened: ${reason}`, err);
    }
  }

  /**
   * Closes the process's stdin: ends our stdin stream (after buffered data is written) and, while the process is
   * still running, asks HCS to close its end (`HcsModifyProcess` CloseHandle StdIn). For a console process created
   * without `CreateStdInPipe` it closes the stdin pipe the binding held for it (which may end a console process on
   * Windows). Idempotent once it has succeeded (concurrent calls share one request; a failed request may be retried),
   * and safe after the exit, also once the handle is closed: a stdin relay that finishes after `wait()` and `close()`
   * must not fail (pain point 7, hcsshim PR #1296). Only a handle closed while the process still ran, with stdin
   * never closed, rejects with `ERR_HCS_ALREADY_CLOSED`. None of these touches vmcompute after close.
   */
  closeStdin(): Promise<void> {
    const operation = 'hcs::Process::CloseStdin';
    if (this.#reg.lifecycle.state !== 'open') {
      if (this.#stdinClose) return this.#stdinClose;
      if (this.#exit || this.#reg.entry.exitOutcome) return Promise.resolve();
      return Promise.reject(alreadyClosedError(operation, { id: this.containerId, pid: this.pid }));
    }
    this.#stdinClose ??= this.#closeStdin(operation).catch((err: unknown) => {
      this.#stdinClose = undefined;
      throw err;
    });
    return this.#stdinClose;
  }

  async #closeStdin(operation: string): Promise<void> {
    // Let buffered input reach the pipe before HCS closes its end, but not past the exit.
    await this.#pipes.closeStdin(this.#exitCode.then(noop, noop));
    if (this.#exit || this.#reg.lifecycle.state !== 'open') return;
    const document = encodeProcessModifyRequest({ Operation: 'CloseHandle', CloseHandle: { Handle: 'StdIn' } });
    try {
      await invoke(this.#target, operation, () => this.#rt.api.modifyProcess(this.#handle, document), {
        tolerate: alreadyStopped,
      });
    } catch (err) {
      // The process may exit (or the handle close) while the request is in flight: nothing left to close then.
      if (this.#exit || this.#reg.entry.exitOutcome || this.#reg.lifecycle.state !== 'open') return;
      throw err;
    }
  }

  /**
   * Closes the process handle: waits for in-flight calls, unregisters (`HcsUnregisterProcessCallback`), `HcsCloseProcess`, rejects pending waits
   * with `ERR_HCS_ALREADY_CLOSED`, then destroys the stdio streams handed out and closes handles never handed out.
   * Idempotent.
   */
  async close(): Promise<void> {
    this.#closed.value = true;
    clearTimeout(this.#killCheck);
    try {
      await this.#reg.close();
    } finally {
      this.#pipes.closeAll();
    }
  }

  /** Same as {@link Process.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Registers the callback of a new process handle and wraps it. `created`: the process was started by this call
 * (HcsCreateProcess), so when registration fails it is terminated before its handle closes; an opened process
 * belongs to someone else and is left running.
 */
async function attach(
  rt: Runtime,
  containerId: string,
  pid: number,
  handle: HcsProcessHandle,
  stdio: RawStdioHandles | undefined,
  created: boolean,
  holdsConsoleInput: boolean,
  hooks: ProcessHooks,
): Promise<Process> {
  let reg: RegisteredHandle;
  try {
    reg = await RegisteredHandle.open(rt.registry, { kind: 'process', id: containerId, pid }, processHandleOps(rt.api, handle));
  } catch (err) {
    // Why terminate: nobody could reach the process afterwards (its handle closes here and its pid was never handed
    // out); it would run until its container stops, as createContainer's half-created systems would. Best effort:
    // during a service disconnect this fails too.
    if (created) await rt.api.terminateProcess(handle).catch(() => undefined);
    await rt.api.closeProcess(handle).catch(() => 0);
    if (stdio) destroyAll(rt, stdio);
    throw err;
  }
  return new Process(internal, rt, containerId, pid, handle, reg, stdio, holdsConsoleInput, hooks);
}

/**
 * A failed HRESULT other than OPERATION_PENDING, which invoke() hands back as a result for these calls (no
 * completion notification is expected for them).
 */
function refused(hr: number): boolean {
  return failed(hr >>> 0) && hr >>> 0 !== HRESULT.OPERATION_PENDING;
}

/**
 * Releases what a refused create or open still wrote (our output slots start zeroed, so anything non-zero came from
 * HCS). HCS is not known to do this; createContainer/openContainer guard their system handles the same way, because
 * invoke() throws such a result away with its handle.
 */
async function releaseRefused(rt: Runtime, process: HcsProcessHandle, stdio?: RawStdioHandles): Promise<void> {
  if (process !== 0n) await rt.api.closeProcess(process).catch(() => 0);
  if (stdio && (stdio.stdin !== 0n || stdio.stdout !== 0n || stdio.stderr !== 0n)) destroyAll(rt, stdio);
}

/**
 * @internal `HcsCreateProcess` on a system handle, then callback registration. `holdsConsoleInput`: the stdin pipe
 * was requested by the binding, not the caller (console-input.ts).
 */
export async function createProcessOn(
  rt: Runtime,
  target: InvokeTarget,
  system: HcsSystemHandle,
  document: string,
  holdsConsoleInput: boolean,
): Promise<Process> {
  const res = await invoke(target, 'hcs::System::CreateProcess', async () => {
    const raw = await rt.api.createProcess(system, document);
    if (refused(raw.hr)) await releaseRefused(rt, raw.value.process, rawHandles(raw.value.info));
    return raw;
  });
  const { process: handle, info } = res.value;
  const hooks: ProcessHooks = {};
  const proc = await attach(rt, target.id!, info.processId, handle, rawHandles(info), true, holdsConsoleInput, hooks);
  hooks.handOut?.();
  return proc;
}

/** @internal `HcsOpenProcess` on a system handle, then callback registration. */
export async function openProcessOn(rt: Runtime, target: InvokeTarget, system: HcsSystemHandle, pid: number): Promise<Process> {
  const res = await invoke(target, 'hcs::System::OpenProcess', async () => {
    const raw = await rt.api.openProcess(system, pid);
    if (refused(raw.hr)) await releaseRefused(rt, raw.value);
    return raw;
  });
  const hooks: ProcessHooks = {};
  const proc = await attach(rt, target.id!, pid, res.value, undefined, false, false, hooks);
  // An opened process may have exited long before; its ProcessExited went to another handle's callback (if any).
  await proc.exitCode().catch(() => undefined);
  hooks.handOut?.();
  return proc;
}
