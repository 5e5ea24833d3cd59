import { NotificationRegistry } from '../core/notification-registry';
import { openPosixStdio } from '../core/stdio-posix';
import type { StdioOpener } from '../core/stdio-types';
import type { VmcomputeApi } from '../ffi/types';

/** What the API layer runs on: the FFI binding, its one notification registry and the platform's stdio opener. */
export interface Runtime {
  api: VmcomputeApi;
  registry: NotificationRegistry;
  openStdio: StdioOpener;
}

let current: Runtime | undefined;

// Why require() here and not a top-level import: importing the package root must not load koffi or the DLL
// (design.md, "Layers"); the FFI module is only loaded by the first call that needs HCS.
function loadDefaultApi(): VmcomputeApi {
  const ffi = require('../ffi/vmcompute') as typeof import('../ffi/vmcompute');
  return ffi.loadVmcompute();
}

function platformStdioOpener(): StdioOpener {
  if (process.platform !== 'win32') return openPosixStdio;
  let opener: StdioOpener | undefined;
  // Loaded on first use so that a failure to bind kernel32 only affects stdio, not the rest of the API.
  return (handles) => {
    if (!opener) {
      const win = require('../core/stdio-windows') as typeof import('../core/stdio-windows');
      const pipes = require('../ffi/windows-pipe') as typeof import('../ffi/windows-pipe');
      opener = win.createWindowsStdioOpener(pipes.loadOverlappedPipeIo());
    }
    return opener(handles);
  };
}

/** The process-wide runtime, created (and the FFI binding loaded) on first use. */
export function runtime(): Runtime {
  if (!current) {
    const api = loadDefaultApi();
    current = { api, registry: new NotificationRegistry(api), openStdio: platformStdioOpener() };
  }
  return current;
}

/**
 * Replaces the binding the API uses (tests run the API over a pure-TS fake this way). Returns the new runtime.
 * Objects created before the switch keep talking to the binding they were created with.
 * @internal not exported from the package root.
 */
export function useVmcomputeApi(api: VmcomputeApi, openStdio: StdioOpener = platformStdioOpener()): Runtime {
  current = { api, registry: new NotificationRegistry(api), openStdio };
  return current;
}
