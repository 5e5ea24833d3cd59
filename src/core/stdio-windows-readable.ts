import { Readable } from 'node:stream';
import type { OverlappedPipeIo, PipeIoRequest, PipeIoResult } from '../ffi/windows-pipe-types';
import { keepAlive } from './keep-alive';
import { windowsPipeError } from './stdio-windows-errors';

/** Bytes asked for per ReadFile when the stream's own request is smaller. */
const MIN_READ = 64 * 1024;
/**
 * Largest buffer one ReadFile gets, whatever Node asks for: `read(n)` raises the stream's highWaterMark up to 1 GiB,
 * and each request allocates (calloc) and commits its whole buffer natively, though a pipe returns far less.
 */
const MAX_READ = 1024 * 1024;

/**
 * A `Readable` over an overlapped pipe HANDLE (a process's stdout or stderr on Windows). It owns the handle.
 *
 * At most one ReadFile is in flight, and only while the consumer wants data: backpressure is Node's own (`_read` is
 * not called again while `push()` reports a full buffer). End of stream is `ERROR_BROKEN_PIPE`; a zero-byte read
 * is not, on Windows, and just reads again. Destroying the stream cancels the pending read with `CancelIoEx`, waits
 * for its completion (the OS owns the request's memory until then), and only then closes the handle.
 *
 * Node is kept alive exactly while a ReadFile is in flight (koffi's relayed completion does not keep it alive). Only
 * `_read` starts one, that is only a consumer asking for data (flowing mode, `read()`, async iteration, `pipe()`), so
 * a stream nobody reads from never holds Node. Why `pause()` does not drop the hold: async iteration, `'readable'` +
 * `read()` and `stream/consumers` read a paused stream without ever emitting `'resume'`, and Node does not call
 * `_read` again while one is in flight, so a hold dropped on pause would never come back for such a consumer. A
 * paused stream's read in flight just completes into the buffer, as a paused net.Socket reads on until it is full.
 */
export class WindowsPipeReadable extends Readable {
  readonly #io: OverlappedPipeIo;
  #handle: bigint;
  #request: PipeIoRequest | null = null;
  #releaseKeepAlive: (() => void) | null = null;
  #afterPending: (() => void) | null = null;

  /** Wraps `handle`, which must be open and overlapped; the stream closes it when destroyed. */
  constructor(io: OverlappedPipeIo, handle: bigint) {
    super();
    this.#io = io;
    this.#handle = handle;
  }

  override _read(size: number): void {
    if (this.#request !== null || this.#handle === 0n || this.destroyed) return;
    const bytes = Math.min(Math.max(size, MIN_READ), MAX_READ);
    this.#request = this.#io.read(this.#handle, bytes, (result) => this.#onRead(result));
    this.#holdKeepAlive();
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

  #onRead(result: PipeIoResult): void {
    this.#request = null;
    this.#dropKeepAlive();
    if (this.#afterPending !== null) {
      // Destroyed while the read was in flight: whatever it returned is dropped with the stream.
      const after = this.#afterPending;
      this.#afterPending = null;
      after();
      return;
    }
    if (this.destroyed) return;
    switch (result.status) {
      case 'ok':
        if (result.data !== null && result.bytes > 0) {
          this.push(result.data);
        } else {
          this._read(MIN_READ);
        }
        return;
      case 'eof':
        this.push(null);
        return;
      default:
        this.destroy(windowsPipeError('ReadFile', result));
    }
  }

  #closeHandle(): void {
    if (this.#handle === 0n) return;
    const handle = this.#handle;
    this.#handle = 0n;
    this.#io.closeHandle(handle);
  }

  #holdKeepAlive(): void {
    this.#releaseKeepAlive ??= keepAlive.acquire();
  }

  #dropKeepAlive(): void {
    this.#releaseKeepAlive?.();
    this.#releaseKeepAlive = null;
  }
}
