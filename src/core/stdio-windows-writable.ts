import { Writable } from 'node:stream';
import type { OverlappedPipeIo, PipeIoRequest, PipeIoResult } from '../ffi/windows-pipe-types';
import { keepAlive } from './keep-alive';
import { windowsPipeError } from './stdio-windows-errors';

/** Largest slice handed to one WriteFile, so a huge chunk does not need an equally huge native copy. */
const MAX_WRITE = 1024 * 1024;
/** `ERROR_NO_DATA` ("the pipe is being closed"), reported as `EPIPE`: the error a write to a closing pipe gets. */
const ERROR_NO_DATA = 232;

/**
 * A `Writable` over an overlapped pipe HANDLE (a process's stdin on Windows). It owns the handle: `end()` flushes
 * and then closes it, which the reading process sees as end of input.
 *
 * One WriteFile is in flight at a time. A write that completes with fewer bytes than asked (partial write) goes on
 * with the rest before the chunk's callback runs; one that completes having written nothing fails the stream
 * (`EPIPE`) rather than being re-issued forever. Empty chunks never reach WriteFile. A pending write keeps Node
 * alive. Destroying the stream cancels the pending write with `CancelIoEx` and closes the handle once the write has
 * completed.
 */
export class WindowsPipeWritable extends Writable {
  readonly #io: OverlappedPipeIo;
  #handle: bigint;
  #request: PipeIoRequest | null = null;
  #afterPending: (() => void) | null = null;

  /** Wraps `handle`, which must be open and overlapped; the stream closes it when destroyed or finished. */
  constructor(io: OverlappedPipeIo, handle: bigint) {
    super();
    this.#io = io;
    this.#handle = handle;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // Why: a zero-byte WriteFile on a pipe makes the reader's ReadFile return 0 bytes, which MSVC's _read and many
    // programs take for end of input (libuv skips empty writes to Windows pipes for the same reason).
    if (chunk.length === 0) {
      callback();
      return;
    }
    this.#writeFrom(chunk, 0, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const finish = (): void => {
      this.#closeHandle();
      callback(error);
    };
    if (this.#request === null) {
      finish();
      return;
    }
    this.#afterPending = finish;
    this.#io.cancel(this.#request);
  }

  #writeFrom(chunk: Buffer, offset: number, callback: (error?: Error | null) => void): void {
    if (this.#handle === 0n) {
      callback(windowsPipeError('WriteFile', { status: 'error', bytes: 0, data: null, code: 6 }));
      return;
    }
    const slice = chunk.subarray(offset, Math.min(chunk.length, offset + MAX_WRITE));
    const release = keepAlive.acquire();
    this.#request = this.#io.write(this.#handle, slice, (result: PipeIoResult) => {
      this.#request = null;
      release();
      if (this.#afterPending !== null) {
        const after = this.#afterPending;
        this.#afterPending = null;
        // Destroyed meanwhile: as net.Socket does, the write's callback gets no error (an ECANCELED here would set
        // `errored` on a stream destroyed without one, and finished()/pipeline() would report it).
        callback();
        after();
        return;
      }
      if (result.status !== 'ok') {
        callback(windowsPipeError('WriteFile', result));
        return;
      }
      if (result.bytes === 0) {
        // A non-empty slice reported written with no bytes moved: re-issuing it could spin forever.
        callback(windowsPipeError('WriteFile', zeroProgress(slice.length)));
        return;
      }
      const next = offset + result.bytes;
      if (next < chunk.length && !this.destroyed) {
        this.#writeFrom(chunk, next, callback);
        return;
      }
      callback();
    });
  }

  #closeHandle(): void {
    if (this.#handle === 0n) return;
    const handle = this.#handle;
    this.#handle = 0n;
    this.#io.closeHandle(handle);
  }
}

/** The failure reported when WriteFile succeeds without writing anything; the Win32 code is ours, not the OS's. */
function zeroProgress(asked: number): PipeIoResult {
  const detail = `WriteFile reported success with 0 of ${asked} bytes written; treated as a closed pipe, not retried`;
  return { status: 'error', bytes: 0, data: null, code: ERROR_NO_DATA, detail };
}
