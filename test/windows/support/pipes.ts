import { win32, type SecurityAttributes } from './win32-test-api';

const FILE_FLAG_OVERLAPPED = 0x40000000;
const FILE_FLAG_FIRST_PIPE_INSTANCE = 0x00080000;
const PIPE_ACCESS_INBOUND = 0x1;
const PIPE_ACCESS_OUTBOUND = 0x2;
const PIPE_REJECT_REMOTE_CLIENTS = 0x8;
const PIPE_TYPE_MESSAGE = 0x4;
const PIPE_READMODE_MESSAGE = 0x2;
const GENERIC_READ = 0x80000000;
const GENERIC_WRITE = 0x40000000;
const OPEN_EXISTING = 3;
const INVALID_HANDLE_VALUE = 0xffffffffffffffffn;

let counter = 0;

/** The two ends of one named pipe: `ours` (the server end, always overlapped) and `peer` (the client end). */
export interface PipePair {
  ours: bigint;
  peer: bigint;
}

/** How the peer end is opened: overlapped (for the binding's own streams) or plain and inheritable (for a child). */
export interface PeerOptions {
  peerOverlapped?: boolean;
  peerInheritable?: boolean;
  /** Pipe buffer size in bytes (both directions). */
  bufferSize?: number;
  /** A message-mode pipe (written and read in messages) instead of a byte stream. */
  messages?: boolean;
}

function asHandle(value: bigint | null): bigint {
  if (value === null || value === 0n || value === INVALID_HANDLE_VALUE) {
    throw new Error(`kernel32 call failed: Win32 error ${win32().GetLastError()}`);
  }
  return value;
}

/**
 * Creates a byte-mode (or, with `messages`, message-mode) named pipe whose server end is opened with FILE_FLAG_OVERLAPPED, as HCS's stdio handles are,
 * and connects a client end to it. `direction` is the data flow as seen from `ours`: 'in' = we read, 'out' = we write.
 */
export function createPipePair(direction: 'in' | 'out', options: PeerOptions = {}): PipePair {
  const k = win32();
  const name = `\\\\.\\pipe\\hcsshim-ts-test-${process.pid}-${++counter}-${Math.random().toString(16).slice(2)}`;
  const size = options.bufferSize ?? 64 * 1024;
  const access = direction === 'in' ? PIPE_ACCESS_INBOUND : PIPE_ACCESS_OUTBOUND;
  const ours = asHandle(
    k.CreateNamedPipeW(
      name,
      access | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
      PIPE_REJECT_REMOTE_CLIENTS | (options.messages ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE : 0),
      1,
      size,
      size,
      0,
      null,
    ),
  );
  const attributes: SecurityAttributes | null = options.peerInheritable
    ? { nLength: 24, lpSecurityDescriptor: null, bInheritHandle: 1 }
    : null;
  const peer = asHandle(
    k.CreateFileW(
      name,
      direction === 'in' ? GENERIC_WRITE : GENERIC_READ,
      0,
      attributes,
      OPEN_EXISTING,
      options.peerOverlapped === false ? 0 : FILE_FLAG_OVERLAPPED,
      null,
    ),
  );
  return { ours, peer };
}

/** Closes a handle the test still owns; returns whether CloseHandle succeeded (false = it was already closed). */
export function closeHandle(handle: bigint): boolean {
  return win32().CloseHandle(handle) !== 0;
}

/** Whether `handle` is still an open handle in this process. */
export function isOpenHandle(handle: bigint): boolean {
  const flags = [0];
  return win32().GetHandleInformation(handle, flags) !== 0;
}

