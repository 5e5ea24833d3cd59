import type {
  HcsCallbackHandle,
  HcsProcessHandle,
  HcsSystemHandle,
  NotificationListener,
  ProcessInformation,
  RawResult,
  RawResultWith,
  VmcomputeApi,
} from '../../src/ffi/types';

/** Legacy pending HRESULT. */
export const PENDING = 0xc0370103;

/** Notification types used by the tests. */
export const N = {
  SystemExited: 1,
  Create: 2,
  Start: 3,
  Pause: 4,
  Resume: 5,
  ProcessExited: 0x10000,
  ServiceDisconnect: 0x01000000,
} as const;

type Method = Exclude<keyof VmcomputeApi, 'setNotificationListener' | 'registeredCallbackCount'>;

interface Registration {
  target: bigint;
  context: number;
}

/** A call gate: the next call of a method waits until `release()`; `entered` resolves when the call arrives. */
export interface Gate {
  entered: Promise<void>;
  release(): void;
}

/**
 * A pure-TS stand-in for the FFI binding. Every method records its call; defaults behave like a well-mannered HCS
 * (create/start/pause/resume return pending and auto-complete on a later tick unless `autoComplete` is false).
 * Tests override one call with {@link FakeVmcompute.once}, hold one with {@link FakeVmcompute.gate}, and fire
 * notifications with {@link FakeVmcompute.notify}.
 */
export class FakeVmcompute implements VmcomputeApi {
  readonly calls: Array<{ method: Method; args: unknown[] }> = [];
  listener: NotificationListener | undefined;
  listenerSets = 0;
  autoComplete = true;
  /** Data sent with auto ProcessExited notifications from `exitProcess`. */
  readonly openHandles = new Set<bigint>();
  readonly registrations = new Map<bigint, Registration>();
  readonly processes = new Map<bigint, { pid: number; system: bigint }>();
  #next = 0x1000n;
  #pid = 100;
  readonly #overrides = new Map<Method, Array<(...args: unknown[]) => unknown>>();
  readonly #gates = new Map<Method, Array<{ wait: Promise<void>; enter: () => void }>>();

  /** Overrides the next call of `method` with `fn` (its value is returned as the call's result). */
  once(method: Method, fn: (...args: unknown[]) => unknown): this {
    let list = this.#overrides.get(method);
    if (!list) this.#overrides.set(method, (list = []));
    list.push(fn);
    return this;
  }

  /** Holds the next call of `method` until released. */
  gate(method: Method): Gate {
    let release!: () => void;
    let enter!: () => void;
    const wait = new Promise<void>((r) => (release = r));
    const entered = new Promise<void>((r) => (enter = r));
    let list = this.#gates.get(method);
    if (!list) this.#gates.set(method, (list = []));
    list.push({ wait, enter });
    return { entered, release };
  }

  /** Calls of one method. */
  callsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Fires a notification at every registration on `target` (a system or process handle). */
  notify(target: bigint, type: number, status = 0, data: string | null = null): void {
    for (const reg of this.registrations.values()) if (reg.target === target) this.listener?.(type, reg.context, status, data);
  }

  /** Fires a notification at a raw context. */
  notifyContext(context: number, type: number, status = 0, data: string | null = null): void {
    this.listener?.(type, context, status, data);
  }

  /** The context registered for `target`, if any. */
  contextOf(target: bigint): number | undefined {
    for (const reg of this.registrations.values()) if (reg.target === target) return reg.context;
    return undefined;
  }

  async #run<T>(method: Method, args: unknown[], fallback: () => T | Promise<T>): Promise<T> {
    this.calls.push({ method, args });
    const gate = this.#gates.get(method)?.shift();
    if (gate) {
      gate.enter();
      await gate.wait;
    }
    await Promise.resolve();
    const override = this.#overrides.get(method)?.shift();
    if (override) return (await override(...args)) as T;
    return fallback();
  }

  #handle(): bigint {
    const h = this.#next++;
    this.openHandles.add(h);
    return h;
  }

  #later(target: bigint, type: number): void {
    if (this.autoComplete) setImmediate(() => this.notify(target, type));
  }

  #pendingOp(target: bigint, type: number): RawResult {
    this.#later(target, type);
    return { hr: PENDING, result: null };
  }

  enumerateComputeSystems(query: string): Promise<RawResultWith<string | null>> {
    return this.#run('enumerateComputeSystems', [query], () => ({ hr: 0, result: null, value: '[]' }));
  }
  createComputeSystem(id: string, configuration: string): Promise<RawResultWith<HcsSystemHandle>> {
    return this.#run('createComputeSystem', [id, configuration], () => {
      const h = this.#handle() as HcsSystemHandle;
      this.#later(h, N.Create);
      return { hr: PENDING, result: null, value: h };
    });
  }
  openComputeSystem(id: string): Promise<RawResultWith<HcsSystemHandle>> {
    return this.#run('openComputeSystem', [id], () => ({ hr: 0, result: null, value: this.#handle() as HcsSystemHandle }));
  }
  closeComputeSystem(system: HcsSystemHandle): Promise<number> {
    return this.#run('closeComputeSystem', [system], () => (this.openHandles.delete(system) ? 0 : 0x80070006));
  }
  startComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#run('startComputeSystem', [system, options], () => this.#pendingOp(system, N.Start));
  }
  shutdownComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#run('shutdownComputeSystem', [system, options], () => this.#pendingOp(system, N.SystemExited));
  }
  terminateComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#run('terminateComputeSystem', [system, options], () => this.#pendingOp(system, N.SystemExited));
  }
  pauseComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#run('pauseComputeSystem', [system, options], () => this.#pendingOp(system, N.Pause));
  }
  resumeComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#run('resumeComputeSystem', [system, options], () => this.#pendingOp(system, N.Resume));
  }
  getComputeSystemProperties(system: HcsSystemHandle, propertyQuery: string): Promise<RawResultWith<string | null>> {
    return this.#run('getComputeSystemProperties', [system, propertyQuery], () => ({ hr: 0, result: null, value: '{"Id":"x"}' }));
  }
  modifyComputeSystem(system: HcsSystemHandle, configuration: string): Promise<RawResult> {
    return this.#run('modifyComputeSystem', [system, configuration], () => ({ hr: 0, result: null }));
  }
  registerComputeSystemCallback(system: HcsSystemHandle, context: number): Promise<{ hr: number; value: HcsCallbackHandle }> {
    return this.#run('registerComputeSystemCallback', [system, context], () => {
      const cb = this.#handle() as HcsCallbackHandle;
      this.registrations.set(cb, { target: system, context });
      return { hr: 0, value: cb };
    });
  }
  unregisterComputeSystemCallback(callback: HcsCallbackHandle): Promise<number> {
    return this.#run('unregisterComputeSystemCallback', [callback], () => {
      this.openHandles.delete(callback);
      return this.registrations.delete(callback) ? 0 : 0x80070006;
    });
  }
  createProcess(
    system: HcsSystemHandle,
    processParameters: string,
  ): Promise<RawResultWith<{ process: HcsProcessHandle; info: ProcessInformation }>> {
    return this.#run('createProcess', [system, processParameters], () => {
      const process = this.#handle() as HcsProcessHandle;
      const pid = this.#pid++;
      this.processes.set(process, { pid, system });
      return { hr: 0, result: null, value: { process, info: { processId: pid, stdInput: 0n, stdOutput: 0n, stdError: 0n } } };
    });
  }
  openProcess(system: HcsSystemHandle, pid: number): Promise<RawResultWith<HcsProcessHandle>> {
    return this.#run('openProcess', [system, pid], () => {
      const process = this.#handle() as HcsProcessHandle;
      this.processes.set(process, { pid, system });
      return { hr: 0, result: null, value: process };
    });
  }
  closeProcess(process: HcsProcessHandle): Promise<number> {
    return this.#run('closeProcess', [process], () => (this.openHandles.delete(process) ? 0 : 0x80070006));
  }
  terminateProcess(process: HcsProcessHandle): Promise<RawResult> {
    return this.#run('terminateProcess', [process], () => {
      if (this.autoComplete) setImmediate(() => this.notify(process, N.ProcessExited, 0, status(1)));
      return { hr: 0, result: null };
    });
  }
  signalProcess(process: HcsProcessHandle, options: string): Promise<RawResult> {
    return this.#run('signalProcess', [process, options], () => ({ hr: 0, result: null }));
  }
  getProcessInfo(process: HcsProcessHandle): Promise<RawResultWith<ProcessInformation>> {
    return this.#run('getProcessInfo', [process], () => ({
      hr: 0,
      result: null,
      value: { processId: this.processes.get(process)?.pid ?? 0, stdInput: 0n, stdOutput: 0n, stdError: 0n },
    }));
  }
  getProcessProperties(process: HcsProcessHandle): Promise<RawResultWith<string | null>> {
    return this.#run('getProcessProperties', [process], () => ({
      hr: 0,
      result: null,
      value: JSON.stringify({ ProcessId: this.processes.get(process)?.pid ?? 0, Exited: false, ExitCode: 0, LastWaitResult: 0 }),
    }));
  }
  modifyProcess(process: HcsProcessHandle, settings: string): Promise<RawResult> {
    return this.#run('modifyProcess', [process, settings], () => ({ hr: 0, result: null }));
  }
  registerProcessCallback(process: HcsProcessHandle, context: number): Promise<{ hr: number; value: HcsCallbackHandle }> {
    return this.#run('registerProcessCallback', [process, context], () => {
      const cb = this.#handle() as HcsCallbackHandle;
      this.registrations.set(cb, { target: process, context });
      return { hr: 0, value: cb };
    });
  }
  unregisterProcessCallback(callback: HcsCallbackHandle): Promise<number> {
    return this.#run('unregisterProcessCallback', [callback], () => {
      this.openHandles.delete(callback);
      return this.registrations.delete(callback) ? 0 : 0x80070006;
    });
  }
  getServiceProperties(propertyQuery: string): Promise<RawResultWith<string | null>> {
    return this.#run('getServiceProperties', [propertyQuery], () => ({ hr: 0, result: null, value: '{"Properties":[]}' }));
  }
  modifyServiceSettings(settings: string): Promise<RawResult> {
    return this.#run('modifyServiceSettings', [settings], () => ({ hr: 0, result: null }));
  }
  nameToGuid(name: string): Promise<RawResultWith<string | null>> {
    return this.#run('nameToGuid', [name], () => ({ hr: 0, result: null, value: '00000000-0000-0000-0000-000000000000' }));
  }

  hnsCall(method: string, path: string, request: string): Promise<RawResultWith<string | null>> {
    return this.#run('hnsCall', [method, path, request], () => ({ hr: 0, result: null, value: '{"Success":true}' }));
  }
  setNotificationListener(listener: NotificationListener): void {
    this.listener = listener;
    this.listenerSets += 1;
  }
  registeredCallbackCount(): number {
    return this.listener ? 1 : 0;
  }
}

/** A ProcessStatus document for an exited process. */
export function status(exitCode: number, lastWaitResult = 0): string {
  return JSON.stringify({ ProcessId: 1, Exited: true, ExitCode: exitCode, LastWaitResult: lastWaitResult });
}

/** Waits for pending promise callbacks and one macrotask turn. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
