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
 * Turns raw handles into streams. The opener owns the handles it is given: the streams own them from then on
 * (destroying a stream closes its handle) and, if the opener throws, it has closed every one of them first (the
 * caller must not close them again: a file descriptor may already have been reused).
 * Platform-specific: overlapped pipe HANDLEs on Windows, file descriptors from the simulator elsewhere.
 */
export type StdioOpener = (handles: RawStdioHandles) => ProcessStdio;
