import type { PipeIoResult } from '../ffi/windows-pipe-types';

/** Win32 error codes given Node-style `code`s, so stream errors read like libuv's on a pipe. */
const codes: Record<number, string> = {
  6: 'EBADF', // ERROR_INVALID_HANDLE
  87: 'EINVAL', // ERROR_INVALID_PARAMETER (also: a handle not opened for overlapped I/O)
  109: 'EPIPE', // ERROR_BROKEN_PIPE (reader gone, on a write)
  232: 'EPIPE', // ERROR_NO_DATA: the pipe is being closed
  233: 'EPIPE', // ERROR_PIPE_NOT_CONNECTED
  995: 'ECANCELED', // ERROR_OPERATION_ABORTED
};

/** An error for a failed overlapped request: `code` (Node style), `errno` (the Win32 error) and `syscall`. */
export interface WindowsPipeError extends Error {
  code: string;
  errno: number;
  syscall: 'ReadFile' | 'WriteFile';
}

/** Builds the error a Windows stdio stream is destroyed with after a failed `ReadFile`/`WriteFile`. */
export function windowsPipeError(syscall: 'ReadFile' | 'WriteFile', result: PipeIoResult): WindowsPipeError {
  const code = codes[result.code] ?? 'EIO';
  const detail = result.detail === undefined ? '' : `: ${result.detail}`;
  const error = new Error(`${syscall} on a stdio pipe failed: ${code} (Win32 error ${result.code})${detail}`) as WindowsPipeError;
  error.code = code;
  error.errno = result.code;
  error.syscall = syscall;
  return error;
}
