import { debuglog } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import { HcsError, HRESULT } from '../errors';
import { loadKoffi, type Koffi } from './koffi-runtime';
import { defineType } from './koffi-types';
import { resolveVmcomputePath, VMCOMPUTE_DLL_ENV, type VmcomputeLocation } from './library-path';
import { notificationCallbackPointer, registeredCallbackCount, setNotificationListener } from './notification-callback';
import type {
  HcsCallbackHandle,
  HcsProcessHandle,
  HcsSystemHandle,
  ProcessInformation,
  RawResult,
  RawResultWith,
  VmcomputeApi,
} from './types';
import {
  CO_TASK_MEM_FREE,
  HCS_GUID_FIELDS,
  HCS_PROCESS_INFORMATION_FIELDS,
  VMCOMPUTE_EXPORTS,
  type VmcomputeExportName,
} from './vmcompute-exports';

type KoffiFunction = ReturnType<ReturnType<Koffi['load']>['func']>;

/** NODE_DEBUG=hcs, as the core's tracing (this layer cannot import it). */
const debug = debuglog('hcs');

/** A `PWSTR *` / `HANDLE *` out slot: a one-element array koffi fills in place; NULL before the call. */
type OutSlot = [unknown];

/** An `HCS_GUID` as koffi reads and writes it. */
interface GuidSlot {
  Data1: number;
  Data2: number;
  Data3: number;
  Data4: ArrayLike<number>;
}

/** The lower-case `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` form (Data1-3 big-endian, then Data4 byte by byte). */
function formatGuid(g: GuidSlot): string {
  const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0');
  const d4 = Array.from(g.Data4, (b) => hex(b & 0xff, 2)).join('');
  return `${hex(g.Data1, 8)}-${hex(g.Data2, 4)}-${hex(g.Data3, 4)}-${d4.slice(0, 4)}-${d4.slice(4)}`;
}

interface ProcessInformationSlot {
  ProcessId: number;
  Reserved: number;
  StdInput: unknown;
  StdOutput: unknown;
  StdError: unknown;
}

interface Loaded {
  koffi: Koffi;
  lib: ReturnType<Koffi['load']>;
  libraryPath: string;
  coTaskMemFree: (pointer: unknown) => void;
}

/**
 * Why not in a worker thread: koffi's registered callbacks belong to the thread's Node environment, and when a worker
 * ends with a handle still registered (worker.terminate(), an uncaught error, process.exit() in the worker), HCS
 * goes on calling that callback from its own thread: koffi then touches the destroyed environment and the whole
 * process crashes (reproduced with the simulator: SIGSEGV at the next notification). Nothing in JavaScript can
 * unregister safely at that point (unregistering waits for callbacks that wait for the worker's thread).
 */
export const WORKER_THREAD_REFUSED =
  'hcsshim-ts calls vmcompute only from the main thread, not from a worker thread: HCS would go on calling the ' +
  "worker's notification callback after the worker ends, which crashes the process. Use the main thread (or a child process)";

function unavailable(message: string, cause?: unknown): HcsError {
  return new HcsError({ code: 'ERR_HCS_UNAVAILABLE', message, ...(cause === undefined ? {} : { cause }) });
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function toPointer(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  return 0n;
}

function emptyProcessInformation(): ProcessInformationSlot {
  return { ProcessId: 0, Reserved: 0, StdInput: null, StdOutput: null, StdError: null };
}

function processInformation(slot: ProcessInformationSlot): ProcessInformation {
  return {
    processId: slot.ProcessId >>> 0,
    stdInput: toPointer(slot.StdInput),
    stdOutput: toPointer(slot.StdOutput),
    stdError: toPointer(slot.StdError),
  };
}

function badArgument(exportName: string, message: string): HcsError {
  return new HcsError({
    code: 'ERR_HCS_CALL',
    hresult: 0x80070057, // E_INVALIDARG, as Go's syscall wrappers report a string with an embedded NUL
    operation: exportName,
    message: `${exportName}: ${message}`,
  });
}

// Validation before any native call. Strings with an embedded NUL would be silently cut short by the C side, so
// they are refused (hcsshim's wrappers fail with EINVAL the same way); the value itself is never quoted, because
// configuration documents may hold credentials.
function checkString(exportName: string, name: string, value: unknown): string {
  if (typeof value !== 'string') throw badArgument(exportName, `argument ${name} must be a string`);
  if (value.includes('\0')) throw badArgument(exportName, `argument ${name} contains a NUL character`);
  return value;
}

function checkHandle(exportName: string, name: string, value: unknown): bigint {
  if (typeof value !== 'bigint') throw badArgument(exportName, `argument ${name} must be a handle (bigint)`);
  if (value === 0n) {
    // hcsshim never passes a zero handle either (it answers ErrAlreadyClosed first): what vmcompute.dll does with a
    // NULL HCS_SYSTEM/HCS_PROCESS/HCS_CALLBACK is undocumented, and a crash inside it would take the process down.
    throw new HcsError({
      code: 'ERR_HCS_ALREADY_CLOSED',
      operation: exportName,
      message: `${exportName}: argument ${name} is a zero handle (closed or never opened); vmcompute was not called`,
    });
  }
  return value;
}

function checkUint32(exportName: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw badArgument(exportName, `argument ${name} must be an unsigned 32-bit integer`);
  }
  return value;
}

function checkContext(exportName: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badArgument(exportName, 'the callback context must be a non-negative safe integer');
  }
  return value;
}

/**
 * The koffi binding of vmcompute.dll (or of the library `location` names). Nothing is loaded until the first
 * method call; a library that cannot be loaded makes every method reject with `ERR_HCS_UNAVAILABLE`; a missing
 * export makes only its method reject (`ERR_HCS_CALL`, HRESULT `0x8007007F` ERROR_PROC_NOT_FOUND), as hcsshim's
 * lazily resolved procedures do.
 */
class VmcomputeBinding implements VmcomputeApi {
  readonly #locate: () => VmcomputeLocation;
  #loaded: Loaded | HcsError | undefined;
  readonly #functions = new Map<VmcomputeExportName, KoffiFunction | HcsError>();

  constructor(locate: () => VmcomputeLocation) {
    this.#locate = locate;
  }

  #load(): Loaded {
    if (this.#loaded === undefined) this.#loaded = this.#tryLoad();
    if (this.#loaded instanceof HcsError) throw this.#loaded;
    return this.#loaded;
  }

  #tryLoad(): Loaded | HcsError {
    if (!isMainThread) return unavailable(WORKER_THREAD_REFUSED);
    const location = this.#locate();
    if ('unavailable' in location) return unavailable(location.unavailable);
    let koffi: Koffi;
    try {
      koffi = loadKoffi();
    } catch (e) {
      return unavailable(`the koffi native module could not be loaded on ${process.platform}-${process.arch}: ${errorText(e)}`, e);
    }
    const fromEnv = Boolean(process.env[VMCOMPUTE_DLL_ENV]);
    let lib: ReturnType<Koffi['load']>;
    try {
      lib = koffi.load(location.path);
    } catch (e) {
      const hint =
        process.platform === 'win32' && !fromEnv
          ? 'the Windows Containers feature may be missing (Enable-WindowsOptionalFeature -Online -FeatureName Containers)'
          : `check ${VMCOMPUTE_DLL_ENV}`;
      return unavailable(`could not load ${location.path}: ${hint}: ${errorText(e)}`, e);
    }
    let coTaskMemFree: (pointer: unknown) => void;
    try {
      const owner = location.coTaskMemFrom === 'ole32' ? koffi.load(location.ole32Path ?? 'ole32.dll') : lib;
      coTaskMemFree = owner.func(CO_TASK_MEM_FREE) as (pointer: unknown) => void;
    } catch (e) {
      const where = location.coTaskMemFrom === 'ole32' ? (location.ole32Path ?? 'ole32.dll') : location.path;
      return unavailable(`${where} does not provide CoTaskMemFree, needed to release HCS result strings: ${errorText(e)}`, e);
    }
    defineType(koffi, 'HCS_PROCESS_INFORMATION', () => koffi.struct('HCS_PROCESS_INFORMATION', HCS_PROCESS_INFORMATION_FIELDS));
    defineType(koffi, 'HCS_GUID', () => koffi.struct('HCS_GUID', HCS_GUID_FIELDS));
    return { koffi, lib, libraryPath: location.path, coTaskMemFree };
  }

  #function(name: VmcomputeExportName): KoffiFunction {
    const loaded = this.#load();
    let fn = this.#functions.get(name);
    if (fn === undefined) {
      try {
        if (name === 'HcsRegisterComputeSystemCallback' || name === 'HcsRegisterProcessCallback') {
          // The prototype names the callback type, which must exist before the declaration is parsed.
          notificationCallbackPointer(loaded.koffi);
        }
        fn = loaded.lib.func(VMCOMPUTE_EXPORTS[name]);
      } catch (e) {
        fn = new HcsError({
          code: 'ERR_HCS_CALL',
          hresult: HRESULT.PROC_NOT_FOUND,
          operation: name,
          message: `${name}: ${loaded.libraryPath} does not export ${name} (it may be missing on this Windows build)`,
          cause: e,
        });
      }
      this.#functions.set(name, fn);
    }
    if (fn instanceof HcsError) throw fn;
    return fn;
  }

  // Decodes and frees one output string. The slot is cleared first, so a pointer can never be freed twice.
  #take(loaded: Loaded, slot: OutSlot): string | null {
    const pointer = slot[0];
    slot[0] = null;
    if (pointer === null || pointer === undefined || pointer === 0n || pointer === 0) return null;
    try {
      return loaded.koffi.decode.string16(pointer);
    } finally {
      loaded.coTaskMemFree(pointer);
    }
  }

  /**
   * The one call helper: validates nothing itself (callers build `args` through the check* functions), runs the
   * export on koffi's `.async` path, then decodes and frees every output string exactly once, whatever the HRESULT
   * or outcome, and returns the HRESULT as an unsigned number with the strings in `strings` order.
   */
  #invoke(name: VmcomputeExportName, build: () => unknown[], strings: OutSlot[] = []): Promise<{ hr: number; strings: (string | null)[] }> {
    return new Promise((resolve, reject) => {
      let fn: KoffiFunction;
      let loaded: Loaded;
      let args: unknown[];
      try {
        fn = this.#function(name);
        loaded = this.#load();
        args = build();
      } catch (e) {
        reject(e);
        return;
      }
      const finish = (err: unknown, ret: unknown): void => {
        const decoded: (string | null)[] = [];
        let decodeError: unknown;
        for (const slot of strings) {
          try {
            decoded.push(this.#take(loaded, slot));
          } catch (e) {
            decoded.push(null);
            decodeError ??= e;
          }
        }
        if (err !== undefined && err !== null) {
          reject(new HcsError({ code: 'ERR_HCS_CALL', operation: name, message: `${name}: the FFI call failed: ${errorText(err)}`, cause: err }));
          return;
        }
        // Why resolve when only a string could not be read: the call itself ran, and its other outputs (a new
        // system, process or registration handle) must reach the caller, which alone can close them; rejecting
        // here would leak them. The unreadable string comes back as null, as if the DLL had given none.
        if (decodeError !== undefined) debug('%s: an output string could not be read: %s', name, errorText(decodeError));
        resolve({ hr: Number(ret) >>> 0, strings: decoded });
      };
      try {
        fn.async(...args, finish);
      } catch (e) {
        // koffi refused the arguments (or its async queue is full) before calling: no output was written.
        finish(e, 0);
      }
    });
  }

  async #simple(name: VmcomputeExportName, build: (result: OutSlot) => unknown[]): Promise<RawResult> {
    const result: OutSlot = [null];
    const { hr, strings } = await this.#invoke(name, () => build(result), [result]);
    return { hr, result: strings[0] ?? null };
  }

  async #withData(name: VmcomputeExportName, build: (data: OutSlot, result: OutSlot) => unknown[]): Promise<RawResultWith<string | null>> {
    const data: OutSlot = [null];
    const result: OutSlot = [null];
    const { hr, strings } = await this.#invoke(name, () => build(data, result), [data, result]);
    return { hr, result: strings[1] ?? null, value: strings[0] ?? null };
  }

  async #hrOnly(name: VmcomputeExportName, build: () => unknown[]): Promise<number> {
    return (await this.#invoke(name, build)).hr;
  }

  enumerateComputeSystems(query: string): Promise<RawResultWith<string | null>> {
    const name = 'HcsEnumerateComputeSystems';
    return this.#withData(name, (data, result) => [checkString(name, 'query', query), data, result]);
  }

  async createComputeSystem(id: string, configuration: string): Promise<RawResultWith<HcsSystemHandle>> {
    const name = 'HcsCreateComputeSystem';
    const handle: OutSlot = [null];
    const result: OutSlot = [null];
    const { hr, strings } = await this.#invoke(
      name,
      () => [checkString(name, 'id', id), checkString(name, 'configuration', configuration), null, handle, result],
      [result],
    );
    // The handle is returned even when the HRESULT is "pending" (reference 2.1 row 2): keep it whatever the HRESULT.
    return { hr, result: strings[0] ?? null, value: toPointer(handle[0]) as HcsSystemHandle };
  }

  async openComputeSystem(id: string): Promise<RawResultWith<HcsSystemHandle>> {
    const name = 'HcsOpenComputeSystem';
    const handle: OutSlot = [null];
    const result: OutSlot = [null];
    const { hr, strings } = await this.#invoke(name, () => [checkString(name, 'id', id), handle, result], [result]);
    return { hr, result: strings[0] ?? null, value: toPointer(handle[0]) as HcsSystemHandle };
  }

  closeComputeSystem(system: HcsSystemHandle): Promise<number> {
    const name = 'HcsCloseComputeSystem';
    return this.#hrOnly(name, () => [checkHandle(name, 'computeSystem', system)]);
  }

  #systemOperation(
    name: 'HcsStartComputeSystem' | 'HcsShutdownComputeSystem' | 'HcsTerminateComputeSystem' | 'HcsPauseComputeSystem' | 'HcsResumeComputeSystem',
    system: HcsSystemHandle,
    options: string,
  ): Promise<RawResult> {
    return this.#simple(name, (result) => [checkHandle(name, 'computeSystem', system), checkString(name, 'options', options), result]);
  }

  startComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#systemOperation('HcsStartComputeSystem', system, options);
  }

  shutdownComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#systemOperation('HcsShutdownComputeSystem', system, options);
  }

  terminateComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#systemOperation('HcsTerminateComputeSystem', system, options);
  }

  pauseComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#systemOperation('HcsPauseComputeSystem', system, options);
  }

  resumeComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult> {
    return this.#systemOperation('HcsResumeComputeSystem', system, options);
  }

  getComputeSystemProperties(system: HcsSystemHandle, propertyQuery: string): Promise<RawResultWith<string | null>> {
    const name = 'HcsGetComputeSystemProperties';
    return this.#withData(name, (data, result) => [
      checkHandle(name, 'computeSystem', system),
      checkString(name, 'propertyQuery', propertyQuery),
      data,
      result,
    ]);
  }

  modifyComputeSystem(system: HcsSystemHandle, configuration: string): Promise<RawResult> {
    const name = 'HcsModifyComputeSystem';
    return this.#simple(name, (result) => [
      checkHandle(name, 'computeSystem', system),
      checkString(name, 'configuration', configuration),
      result,
    ]);
  }

  async #register(
    name: 'HcsRegisterComputeSystemCallback' | 'HcsRegisterProcessCallback',
    handle: bigint,
    context: number,
  ): Promise<{ hr: number; value: HcsCallbackHandle }> {
    const callbackHandle: OutSlot = [null];
    const { hr } = await this.#invoke(name, () => [
      checkHandle(name, 'handle', handle),
      notificationCallbackPointer(this.#load().koffi),
      checkContext(name, context),
      callbackHandle,
    ]);
    return { hr, value: toPointer(callbackHandle[0]) as HcsCallbackHandle };
  }

  registerComputeSystemCallback(system: HcsSystemHandle, context: number): Promise<{ hr: number; value: HcsCallbackHandle }> {
    return this.#register('HcsRegisterComputeSystemCallback', system, context);
  }

  unregisterComputeSystemCallback(callback: HcsCallbackHandle): Promise<number> {
    const name = 'HcsUnregisterComputeSystemCallback';
    return this.#hrOnly(name, () => [checkHandle(name, 'callbackHandle', callback)]);
  }

  async createProcess(
    system: HcsSystemHandle,
    processParameters: string,
  ): Promise<RawResultWith<{ process: HcsProcessHandle; info: ProcessInformation }>> {
    const name = 'HcsCreateProcess';
    const info = emptyProcessInformation();
    const process: OutSlot = [null];
    const result: OutSlot = [null];
    const { hr, strings } = await this.#invoke(
      name,
      () => [checkHandle(name, 'computeSystem', system), checkString(name, 'processParameters', processParameters), info, process, result],
      [result],
    );
    return {
      hr,
      result: strings[0] ?? null,
      value: { process: toPointer(process[0]) as HcsProcessHandle, info: processInformation(info) },
    };
  }

  async openProcess(system: HcsSystemHandle, pid: number): Promise<RawResultWith<HcsProcessHandle>> {
    const name = 'HcsOpenProcess';
    const process: OutSlot = [null];
    const result: OutSlot = [null];
    const { hr, strings } = await this.#invoke(
      name,
      () => [checkHandle(name, 'computeSystem', system), checkUint32(name, 'processId', pid), process, result],
      [result],
    );
    return { hr, result: strings[0] ?? null, value: toPointer(process[0]) as HcsProcessHandle };
  }

  closeProcess(process: HcsProcessHandle): Promise<number> {
    const name = 'HcsCloseProcess';
    return this.#hrOnly(name, () => [checkHandle(name, 'process', process)]);
  }

  terminateProcess(process: HcsProcessHandle): Promise<RawResult> {
    const name = 'HcsTerminateProcess';
    return this.#simple(name, (result) => [checkHandle(name, 'process', process), result]);
  }

  signalProcess(process: HcsProcessHandle, options: string): Promise<RawResult> {
    const name = 'HcsSignalProcess';
    return this.#simple(name, (result) => [checkHandle(name, 'process', process), checkString(name, 'options', options), result]);
  }

  async getProcessInfo(process: HcsProcessHandle): Promise<RawResultWith<ProcessInformation>> {
    const name = 'HcsGetProcessInfo';
    const info = emptyProcessInformation();
    const result: OutSlot = [null];
    const { hr, strings } = await this.#invoke(name, () => [checkHandle(name, 'process', process), info, result], [result]);
    return { hr, result: strings[0] ?? null, value: processInformation(info) };
  }

  getProcessProperties(process: HcsProcessHandle): Promise<RawResultWith<string | null>> {
    const name = 'HcsGetProcessProperties';
    return this.#withData(name, (data, result) => [checkHandle(name, 'process', process), data, result]);
  }

  modifyProcess(process: HcsProcessHandle, settings: string): Promise<RawResult> {
    const name = 'HcsModifyProcess';
    return this.#simple(name, (result) => [checkHandle(name, 'process', process), checkString(name, 'settings', settings), result]);
  }

  registerProcessCallback(process: HcsProcessHandle, context: number): Promise<{ hr: number; value: HcsCallbackHandle }> {
    return this.#register('HcsRegisterProcessCallback', process, context);
  }

  unregisterProcessCallback(callback: HcsCallbackHandle): Promise<number> {
    const name = 'HcsUnregisterProcessCallback';
    return this.#hrOnly(name, () => [checkHandle(name, 'callbackHandle', callback)]);
  }

  getServiceProperties(propertyQuery: string): Promise<RawResultWith<string | null>> {
    const name = 'HcsGetServiceProperties';
    return this.#withData(name, (data, result) => [checkString(name, 'propertyQuery', propertyQuery), data, result]);
  }

  modifyServiceSettings(settings: string): Promise<RawResult> {
    const name = 'HcsModifyServiceSettings';
    return this.#simple(name, (result) => [checkString(name, 'settings', settings), result]);
  }

  /** `HNSCall` has a single output, the response document: it is `value`; `result` is always `null`. */
  async hnsCall(method: string, path: string, request: string): Promise<RawResultWith<string | null>> {
    const name = 'HNSCall';
    const response: OutSlot = [null];
    const { hr, strings } = await this.#invoke(
      name,
      () => [checkString(name, 'method', method), checkString(name, 'path', path), checkString(name, 'request', request), response],
      [response],
    );
    return { hr, result: null, value: strings[0] ?? null };
  }

  async nameToGuid(name: string): Promise<RawResultWith<string | null>> {
    const exportName = 'NameToGuid';
    const guid: GuidSlot = { Data1: 0, Data2: 0, Data3: 0, Data4: [0, 0, 0, 0, 0, 0, 0, 0] };
    const { hr } = await this.#invoke(exportName, () => [checkString(exportName, 'name', name), guid]);
    return { hr, result: null, value: (hr | 0) < 0 ? null : formatGuid(guid) };
  }

  setNotificationListener(listener: Parameters<VmcomputeApi['setNotificationListener']>[0]): void {
    setNotificationListener(listener);
  }

  registeredCallbackCount(): number {
    return registeredCallbackCount();
  }
}

/**
 * A binding of the library `location` describes (a fixed location, or a function evaluated at the first call).
 * Not memoised: for tests and tools that need a specific library. Applications use {@link loadVmcompute}.
 * The notification listener and the registered callback are process-wide, shared by every binding.
 */
export function createVmcomputeApi(location: VmcomputeLocation | (() => VmcomputeLocation)): VmcomputeApi {
  return new VmcomputeBinding(typeof location === 'function' ? location : () => location);
}

let shared: VmcomputeApi | undefined;

/**
 * The process-wide binding of vmcompute.dll, located by {@link resolveVmcomputePath} (from `process.env` at the
 * first call). Never throws: when HCS is unavailable, every method rejects with `ERR_HCS_UNAVAILABLE`. Loads koffi
 * and the library only at the first method call.
 */
export function loadVmcompute(): VmcomputeApi {
  shared ??= createVmcomputeApi(() => resolveVmcomputePath());
  return shared;
}
