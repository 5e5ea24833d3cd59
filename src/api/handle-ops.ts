import type { HandleOps } from '../core/registered-handle';
import type { HcsProcessHandle, HcsSystemHandle, VmcomputeApi } from '../ffi/types';

/** The register/unregister/close steps of a compute system handle. */
export function systemHandleOps(api: VmcomputeApi, handle: HcsSystemHandle): HandleOps {
  return {
    prefix: 'hcs::System',
    register: (context) => api.registerComputeSystemCallback(handle, context),
    unregister: (callback) => api.unregisterComputeSystemCallback(callback),
    close: () => api.closeComputeSystem(handle),
  };
}

/** The register/unregister/close steps of a process handle. */
export function processHandleOps(api: VmcomputeApi, handle: HcsProcessHandle): HandleOps {
  return {
    prefix: 'hcs::Process',
    register: (context) => api.registerProcessCallback(handle, context),
    unregister: (callback) => api.unregisterProcessCallback(callback),
    close: () => api.closeProcess(handle),
  };
}

/** Native-call options every waiting method accepts. */
export interface OperationOptions {
  /** Stops waiting (rejects with an `AbortError`); the operation itself is not cancelled. */
  signal?: AbortSignal;
  /** Overrides the default timeout, in milliseconds. */
  timeoutMs?: number;
}

/** Options of `wait()`. */
export interface WaitOptions {
  /** Stops waiting (rejects with an `AbortError`). */
  signal?: AbortSignal;
}
