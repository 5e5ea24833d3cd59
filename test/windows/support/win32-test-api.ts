import koffi from 'koffi';

/**
 * kernel32 functions the Windows-lane tests use to build their own fixtures: overlapped named-pipe pairs and child
 * processes wired to them (the binding's own declarations live in src/ffi/kernel32.ts). Loaded lazily: the module
 * is imported on every lane but only touched under win32.
 */
export interface Win32TestApi {
  CreateNamedPipeW(
    name: string,
    openMode: number,
    pipeMode: number,
    maxInstances: number,
    outBuffer: number,
    inBuffer: number,
    timeout: number,
    attributes: null,
  ): bigint;
  CreateFileW(
    name: string,
    access: number,
    share: number,
    attributes: SecurityAttributes | null,
    disposition: number,
    flags: number,
    template: null,
  ): bigint;
  CloseHandle(handle: bigint): number;
  GetLastError(): number;
  GetHandleInformation(handle: bigint, flags: number[]): number;
  CreateProcessW(
    application: null,
    commandLine: Buffer,
    processAttributes: null,
    threadAttributes: null,
    inheritHandles: number,
    creationFlags: number,
    environment: null,
    currentDirectory: null,
    startupInfo: StartupInfo,
    processInformation: Partial<ProcessInformation>,
  ): number;
  WaitForSingleObject(handle: bigint, milliseconds: number): number;
  GetExitCodeProcess(handle: bigint, exitCode: number[]): number;
  TerminateProcess(handle: bigint, exitCode: number): number;
  CommandLineToArgvW(commandLine: string, argc: number[]): bigint;
  LocalFree(memory: bigint): bigint;
}

/** `SECURITY_ATTRIBUTES`. */
export interface SecurityAttributes {
  nLength: number;
  lpSecurityDescriptor: null;
  bInheritHandle: number;
}

/** The fields of `STARTUPINFOW` the tests set. */
export interface StartupInfo {
  cb: number;
  dwFlags: number;
  hStdInput: bigint | null;
  hStdOutput: bigint | null;
  hStdError: bigint | null;
}

/** `PROCESS_INFORMATION`. */
export interface ProcessInformation {
  hProcess: bigint;
  hThread: bigint;
  dwProcessId: number;
  dwThreadId: number;
}

let api: Win32TestApi | undefined;

/** Declares (once) and returns the kernel32/shell32 functions of {@link Win32TestApi}. */
export function win32(): Win32TestApi {
  if (api !== undefined) return api;
  const SECURITY_ATTRIBUTES = koffi.struct({
    nLength: 'uint32_t',
    lpSecurityDescriptor: 'void *',
    bInheritHandle: 'int',
  });
  const STARTUPINFOW = koffi.struct({
    cb: 'uint32_t',
    lpReserved: 'void *',
    lpDesktop: 'void *',
    lpTitle: 'void *',
    dwX: 'uint32_t',
    dwY: 'uint32_t',
    dwXSize: 'uint32_t',
    dwYSize: 'uint32_t',
    dwXCountChars: 'uint32_t',
    dwYCountChars: 'uint32_t',
    dwFillAttribute: 'uint32_t',
    dwFlags: 'uint32_t',
    wShowWindow: 'uint16_t',
    cbReserved2: 'uint16_t',
    lpReserved2: 'void *',
    hStdInput: 'void *',
    hStdOutput: 'void *',
    hStdError: 'void *',
  });
  const PROCESS_INFORMATION = koffi.struct({
    hProcess: 'void *',
    hThread: 'void *',
    dwProcessId: 'uint32_t',
    dwThreadId: 'uint32_t',
  });
  const k32 = koffi.load('kernel32.dll');
  const shell32 = koffi.load('shell32.dll');
  api = {
    CreateNamedPipeW: k32.func(
      'void * __stdcall CreateNamedPipeW(const char16_t *name, uint32_t openMode, uint32_t pipeMode, uint32_t maxInstances, uint32_t outBuffer, uint32_t inBuffer, uint32_t timeout, void *attributes)',
    ),
    CreateFileW: k32.func('CreateFileW', 'void *', [
      'const char16_t *',
      'uint32_t',
      'uint32_t',
      koffi.pointer(SECURITY_ATTRIBUTES),
      'uint32_t',
      'uint32_t',
      'void *',
    ]),
    CloseHandle: k32.func('int __stdcall CloseHandle(void *handle)'),
    GetLastError: k32.func('uint32_t __stdcall GetLastError()'),
    GetHandleInformation: k32.func('int __stdcall GetHandleInformation(void *handle, _Out_ uint32_t *flags)'),
    CreateProcessW: k32.func('CreateProcessW', 'int', [
      'void *',
      'void *',
      'void *',
      'void *',
      'int',
      'uint32_t',
      'void *',
      'void *',
      koffi.pointer(STARTUPINFOW),
      koffi.out(koffi.pointer(PROCESS_INFORMATION)),
    ]),
    WaitForSingleObject: k32.func('uint32_t __stdcall WaitForSingleObject(void *handle, uint32_t milliseconds)'),
    GetExitCodeProcess: k32.func('int __stdcall GetExitCodeProcess(void *handle, _Out_ uint32_t *exitCode)'),
    TerminateProcess: k32.func('int __stdcall TerminateProcess(void *handle, uint32_t exitCode)'),
    CommandLineToArgvW: shell32.func('void * __stdcall CommandLineToArgvW(const char16_t *commandLine, _Out_ int *argc)'),
    LocalFree: k32.func('void * __stdcall LocalFree(void *memory)'),
  } as Win32TestApi;
  return api;
}
