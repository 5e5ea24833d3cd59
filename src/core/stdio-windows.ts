import type { OverlappedPipeIo } from '../ffi/windows-pipe-types';
import type { ProcessStdio, RawStdioHandles, StdioOpener } from './stdio-types';
import { WindowsPipeReadable } from './stdio-windows-readable';
import { WindowsPipeWritable } from './stdio-windows-writable';

export { WindowsPipeReadable } from './stdio-windows-readable';
export { WindowsPipeWritable } from './stdio-windows-writable';

/**
 * The Windows {@link StdioOpener}: wraps the overlapped pipe HANDLEs from `HCS_PROCESS_INFORMATION` in Node streams
 * driven by `io` (overlapped ReadFile/WriteFile completed through thread-pool waits, so an idle pipe holds no libuv
 * threadpool thread). Each stream owns its handle and closes it when destroyed; a `0n` handle gives `null`.
 * The API layer wires it as `createWindowsStdioOpener(loadOverlappedPipeIo())` on win32.
 */
export function createWindowsStdioOpener(io: OverlappedPipeIo): StdioOpener {
  return (handles: RawStdioHandles): ProcessStdio => ({
    // Constructing a stream makes no system call, so nothing can fail half-way and leak the other handles.
    stdin: handles.stdin === 0n ? null : new WindowsPipeWritable(io, handles.stdin),
    stdout: handles.stdout === 0n ? null : new WindowsPipeReadable(io, handles.stdout),
    stderr: handles.stderr === 0n ? null : new WindowsPipeReadable(io, handles.stderr),
  });
}
