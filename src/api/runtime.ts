import { NotificationRegistry } from '../core/notification-registry';
import { openPosixStdio } from '../core/stdio-posix';
import type { RawStdioHandles, StdioOpener } from '../core/stdio-types';
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
      try {
        const win = require('../core/stdio-windows') as typeof import('../core/stdio-windows');
        const pipes = require('../ffi/windows-pipe') as typeof import('../ffi/windows-pipe');
        opener = win.createWindowsStdioOpener(pipes.loadOverlappedPipeIo());
      } catch (err) {
        // The opener owns the handles it is given (StdioOpener's contract): failing before any stream owns them,
        // close them here or they stay open until the process exits.
        closeWindowsHandles(handles);
        throw err;
      }
    }
    return opener(handles);
  };
}

/** Best effort `CloseHandle` on raw stdio HANDLEs nobody will own (kernel32 may be what failed to load). */
function closeWindowsHandles(handles: RawStdioHandles): void {
  try {
    const { loadKernel32 } = require('../ffi/kernel32') as typeof import('../ffi/kernel32');
    const k32 = loadKernel32();
    for (const h of [handles.stdin, handles.stdout, handles.stderr]) if (h !== 0n) k32.CloseHandle(h);
  } catch {
    // nothing more we can do: the caller reports the original error
  }
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
