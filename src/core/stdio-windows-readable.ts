import { Readable } from 'node:stream';
import type { OverlappedPipeIo, PipeIoRequest, PipeIoResult } from '../ffi/windows-pipe-types';
import { keepAlive } from './keep-alive';
import { windowsPipeError } from './stdio-windows-errors';

/** Bytes asked for per ReadFile when the stream's own request is smaller. */
const MIN_READ = 64 * 1024;

/**
 * A `Readable` over an overlapped pipe HANDLE (a process's stdout or stderr on Windows). It owns the handle.
 *
 * At most one ReadFile is in flight, and only while the consumer wants data: backpressure is Node's own (`_read` is
 * not called again while `push()` reports a full buffer). End of stream is `ERROR_BROKEN_PIPE`; a zero-byte read
 * is not, on Windows, and just reads again. Destroying the stream cancels the pending read with `CancelIoEx`, waits
 * for its completion (the OS owns the request's memory until then), and only then closes the handle.
 */
export class WindowsPipeReadable extends Readable {
  readonly #io: OverlappedPipeIo;
  #handle: bigint;
  #request: PipeIoRequest | null = null;
  #releaseKeepAlive: (() => void) | null = null;
  #paused = false;
  #afterPending: (() => void) | null = null;

  /** Wraps `handle`, which must be open and overlapped; the stream closes it when destroyed. */
  constructor(io: OverlappedPipeIo, handle: bigint) {
    super();
    this.#io = io;
    this.#handle = handle;
    // A pending read keeps Node alive (koffi's relayed completion does not), except while the consumer has
    // explicitly paused the stream: then nothing is waiting for the data.
    this.on('pause', () => {
      this.#paused = true;
      this.#dropKeepAlive();
    });
    this.on('resume', () => {
      this.#paused = false;
      if (this.#request !== null) this.#holdKeepAlive();
    });
  }

  override _read(size: number): void {
    if (this.#request !== null || this.#handle === 0n || this.destroyed) return;
    this.#request = this.#io.read(this.#handle, Math.max(size, MIN_READ), (result) => this.#onRead(result));
    if (!this.#paused) this.#holdKeepAlive();
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
