/**
 * The seam between the FFI layer and the core: what `src/ffi` offers, as plain TypeScript types.
 *
 * `src/core` receives a {@link VmcomputeApi} and never imports koffi; tests of the core run against a pure-TS fake
 * of this interface. This module is type-only.
 */

declare const brand: unique symbol;

/** An `HCS_SYSTEM` handle (opaque; koffi 3 passes pointers as BigInt). `0n` means none/closed. */
export type HcsSystemHandle = bigint & { readonly [brand]: 'HCS_SYSTEM' };
/** An `HCS_PROCESS` handle. `0n` means none/closed. */
export type HcsProcessHandle = bigint & { readonly [brand]: 'HCS_PROCESS' };
/** An `HCS_CALLBACK` registration handle. */
export type HcsCallbackHandle = bigint & { readonly [brand]: 'HCS_CALLBACK' };

/**
 * The outcome of one vmcompute call: the HRESULT as an unsigned 32-bit number and the decoded `result` document
 * (the last `PWSTR*` output), or `null` when the DLL returned NULL. Every output string has already been decoded and
 * freed with `CoTaskMemFree` exactly once, whatever the HRESULT.
 */
export interface RawResult {
  hr: number;
  result: string | null;
}

/** A {@link RawResult} with the call's other output (a handle, a data document, a struct). */
export interface RawResultWith<T> extends RawResult {
  value: T;
}

/**
 * `HCS_PROCESS_INFORMATION`: the pid and the caller-owned stdio handles (`0n` when the pipe was not requested).
 * On Windows these are overlapped pipe HANDLEs; the simulator on POSIX hosts returns file descriptors.
 */
export interface ProcessInformation {
  processId: number;
  stdInput: bigint;
  stdOutput: bigint;
  stdError: bigint;
}

/**
 * Receives every HCS notification for the whole process. Called on the JS thread (koffi relays foreign-thread
 * callbacks); `status` is the HRESULT as an unsigned number; `data` is a copy of the notification data, or `null`.
 * Must return quickly and must not throw.
 */
export type NotificationListener = (type: number, context: number, status: number, data: string | null) => void;

/**
 * The legacy vmcompute.dll exports, each run on koffi's `.async` path so the JS thread never waits for an HCS
 * thread. Promises reject only for problems of the binding itself (library unavailable, export missing), with an
 * `HcsError`; HCS failures come back as a non-zero `hr` for the core to map.
 */
export interface VmcomputeApi {
  enumerateComputeSystems(query: string): Promise<RawResultWith<string | null>>;
  createComputeSystem(id: string, configuration: string): Promise<RawResultWith<HcsSystemHandle>>;
  openComputeSystem(id: string): Promise<RawResultWith<HcsSystemHandle>>;
  /** Returns the HRESULT. */
  closeComputeSystem(system: HcsSystemHandle): Promise<number>;
  startComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult>;
  shutdownComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult>;
  terminateComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult>;
  pauseComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult>;
  resumeComputeSystem(system: HcsSystemHandle, options: string): Promise<RawResult>;
  getComputeSystemProperties(system: HcsSystemHandle, propertyQuery: string): Promise<RawResultWith<string | null>>;
  modifyComputeSystem(system: HcsSystemHandle, configuration: string): Promise<RawResult>;
  /** Registers the binding's single notification callback with `context` as its integer context. */
  registerComputeSystemCallback(system: HcsSystemHandle, context: number): Promise<{ hr: number; value: HcsCallbackHandle }>;
  /** Returns the HRESULT. Waits (on a pool thread) for in-flight callbacks, as HCS does. */
  unregisterComputeSystemCallback(callback: HcsCallbackHandle): Promise<number>;
  createProcess(
    system: HcsSystemHandle,
    processParameters: string,
  ): Promise<RawResultWith<{ process: HcsProcessHandle; info: ProcessInformation }>>;
  openProcess(system: HcsSystemHandle, pid: number): Promise<RawResultWith<HcsProcessHandle>>;
  /** Returns the HRESULT. */
  closeProcess(process: HcsProcessHandle): Promise<number>;
  terminateProcess(process: HcsProcessHandle): Promise<RawResult>;
  signalProcess(process: HcsProcessHandle, options: string): Promise<RawResult>;
  getProcessInfo(process: HcsProcessHandle): Promise<RawResultWith<ProcessInformation>>;
  getProcessProperties(process: HcsProcessHandle): Promise<RawResultWith<string | null>>;
  modifyProcess(process: HcsProcessHandle, settings: string): Promise<RawResult>;
  registerProcessCallback(process: HcsProcessHandle, context: number): Promise<{ hr: number; value: HcsCallbackHandle }>;
  unregisterProcessCallback(callback: HcsCallbackHandle): Promise<number>;
  getServiceProperties(propertyQuery: string): Promise<RawResultWith<string | null>>;
  modifyServiceSettings(settings: string): Promise<RawResult>;
  hnsCall(method: string, path: string, request: string): Promise<RawResultWith<string | null>>;
  /** `NameToGuid`: `value` is the GUID in its lower-case string form (`null` on failure); `result` is always `null`. */
  nameToGuid(name: string): Promise<RawResultWith<string | null>>;
  /** Sets the process-wide listener that the one registered koffi callback dispatches to. */
  setNotificationListener(listener: NotificationListener): void;
  /** How many koffi callbacks this binding has registered (0 before first use, then 1, whatever the handle count). */
  registeredCallbackCount(): number;
}
