import koffi from 'koffi';

/**
 * The kernel32 functions behind Windows stdio: overlapped pipe I/O, events and thread-pool waits. Windows names are
 * kept exactly. HANDLEs and pointers are BigInt (koffi 3); `BOOL` results are `0` for failure, and the failing
 * call's error code is read with {@link Kernel32.GetLastError} right after it.
 */
export interface Kernel32 {
  /** `CreateEventW(NULL, bManualReset, bInitialState, NULL)`; returns `0n` on failure. */
  CreateEventW(attributes: null, manualReset: number, initialState: number, name: null): bigint;
  /** `CloseHandle`. */
  CloseHandle(handle: bigint): number;
  /** `ReadFile` with an OVERLAPPED (the byte count comes from GetOverlappedResult, so `read` is NULL). */
  ReadFile(handle: bigint, buffer: bigint, length: number, read: null, overlapped: bigint): number;
  /** `WriteFile` with an OVERLAPPED. */
  WriteFile(handle: bigint, buffer: bigint, length: number, written: null, overlapped: bigint): number;
  /** `GetOverlappedResult`; `transferred` is a one-element out array. Only ever called with `wait = 0`. */
  GetOverlappedResult(handle: bigint, overlapped: bigint, transferred: number[], wait: number): number;
  /** `CancelIoEx(handle, overlapped)`: asks one request to end with ERROR_OPERATION_ABORTED. */
  CancelIoEx(handle: bigint, overlapped: bigint): number;
  /** `GetLastError` as preserved by koffi for the previous call on this thread. */
  GetLastError(): number;
  /** `RegisterWaitForSingleObject`; `waitHandle` is a one-element out array; `callback` a registered pointer. */
  RegisterWaitForSingleObject(
    waitHandle: Array<bigint | null>,
    object: bigint,
    callback: bigint,
    context: number,
    milliseconds: number,
    flags: number,
  ): number;
  /** `UnregisterWaitEx(wait, NULL)`: non-blocking; never waits for a running callback. */
  UnregisterWaitEx(waitHandle: bigint, completionEvent: null): number;
  /**
   * ntdll's `NtQueryInformationFile` (returns an NTSTATUS); used with `FileModeInformation` only, to tell an
   * overlapped handle from a synchronous one. `ioStatus` is a 16-byte scratch buffer.
   */
  NtQueryInformationFile(handle: bigint, ioStatus: Buffer, information: number[], length: number, infoClass: number): number;
}

/** Win32 error codes the pipe primitive distinguishes. */
export const Win32Error = {
  ERROR_INVALID_HANDLE: 6,
  ERROR_NOT_ENOUGH_MEMORY: 8,
  ERROR_INVALID_PARAMETER: 87,
  ERROR_HANDLE_EOF: 38,
  ERROR_BROKEN_PIPE: 109,
  ERROR_NO_DATA: 232,
  ERROR_PIPE_NOT_CONNECTED: 233,
  ERROR_MORE_DATA: 234,
  ERROR_OPERATION_ABORTED: 995,
  ERROR_IO_INCOMPLETE: 996,
  ERROR_IO_PENDING: 997,
  ERROR_NOT_FOUND: 1168,
} as const;

/** `FileModeInformation` (FILE_INFORMATION_CLASS 16) and its synchronous-I/O flags. */
export const FileModeInformation = 16;
/** `FILE_SYNCHRONOUS_IO_ALERT | FILE_SYNCHRONOUS_IO_NONALERT`: set when a handle was opened without FILE_FLAG_OVERLAPPED. */
export const FILE_SYNCHRONOUS_IO = 0x10 | 0x20;

/** `WT_EXECUTEONLYONCE`: the wait deactivates after its callback has run once. */
export const WT_EXECUTEONLYONCE = 0x00000008;
/** `WT_EXECUTELONGFUNCTION`: the callback may wait long; the thread pool may add a thread for other work. */
export const WT_EXECUTELONGFUNCTION = 0x00000010;
/** `INFINITE` timeout. */
export const INFINITE = 0xffffffff;
/** `sizeof(OVERLAPPED)` on x64: Internal, InternalHigh, Offset/OffsetHigh (or Pointer), hEvent. */
export const OVERLAPPED_SIZE = 32;
/** Offset of `OVERLAPPED.InternalHigh` (bytes transferred once complete). */
export const OVERLAPPED_INTERNAL_HIGH = 8;
/** Offset of `OVERLAPPED.hEvent`. */
export const OVERLAPPED_HEVENT = 24;

/**
 * The `WAITORTIMERCALLBACK` prototype: `VOID CALLBACK (PVOID lpParameter, BOOLEAN TimerOrWaitFired)`. The context
 * is declared as `uintptr_t` so it arrives in JS as the small integer id the binding passed, never as an object.
 * Anonymous on purpose: koffi's type names are process-wide, and a module evaluated twice (jest gives each test
 * file its own module registry over one native koffi) would fail with "Duplicate type name".
 */
export const WaitOrTimerCallback = koffi.proto('void __stdcall (uintptr_t context, uint8_t timedOut)');

let kernel32: Kernel32 | undefined;

/** Loads kernel32.dll (and ntdll.dll) once and declares the functions of {@link Kernel32}. Windows only. */
export function loadKernel32(): Kernel32 {
  if (kernel32 !== undefined) return kernel32;
  const lib = koffi.load('kernel32.dll');
  const ntdll = koffi.load('ntdll.dll');
  kernel32 = {
    NtQueryInformationFile: ntdll.func(
      'int32_t __stdcall NtQueryInformationFile(void *handle, _Out_ uint8_t *ioStatus, _Out_ uint32_t *information, uint32_t length, int infoClass)',
    ),
    CreateEventW: lib.func('void * __stdcall CreateEventW(void *attributes, int manualReset, int initialState, const char16_t *name)'),
    CloseHandle: lib.func('int __stdcall CloseHandle(void *handle)'),
    ReadFile: lib.func('int __stdcall ReadFile(void *handle, void *buffer, uint32_t length, void *read, void *overlapped)'),
    WriteFile: lib.func('int __stdcall WriteFile(void *handle, void *buffer, uint32_t length, void *written, void *overlapped)'),
    GetOverlappedResult: lib.func(
      'int __stdcall GetOverlappedResult(void *handle, void *overlapped, _Out_ uint32_t *transferred, int wait)',
    ),
    CancelIoEx: lib.func('int __stdcall CancelIoEx(void *handle, void *overlapped)'),
    GetLastError: lib.func('uint32_t __stdcall GetLastError()'),
    // The array form takes the anonymous prototype; x64 has a single calling convention, so no __stdcall is lost.
    RegisterWaitForSingleObject: lib.func('RegisterWaitForSingleObject', 'int', [
      '_Out_ void **',
      'void *',
      koffi.pointer(WaitOrTimerCallback),
      'uintptr_t',
      'uint32_t',
      'uint32_t',
    ]),
    UnregisterWaitEx: lib.func('int __stdcall UnregisterWaitEx(void *waitHandle, void *completionEvent)'),
  } as Kernel32;
  return kernel32;
}
