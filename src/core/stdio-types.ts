import type { Readable, Writable } from 'node:stream';

/** The stdio handles HCS returned for a process, as raw values; `0n` = that pipe was not requested. */
export interface RawStdioHandles {
  stdin: bigint;
  stdout: bigint;
  stderr: bigint;
}

/** A process's stdio as Node streams; `null` where no pipe was requested. */
export interface ProcessStdio {
  stdin: Writable | null;
  stdout: Readable | null;
  stderr: Readable | null;
}

/**
 * Turns raw handles into streams. The streams own the handles from then on: destroying a stream closes its handle.
 * Platform-specific: overlapped pipe HANDLEs on Windows, file descriptors from the simulator elsewhere.
 */
export type StdioOpener = (handles: RawStdioHandles) => ProcessStdio;
