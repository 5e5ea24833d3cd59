/**
 * The Windows overlapped pipe I/O primitive, as plain TypeScript types (this module is type-only, so `src/core` can
 * import it without loading koffi). Implemented by `loadOverlappedPipeIo()` in `./windows-pipe`.
 */

/**
 * How one request ended.
 * - `ok`: data moved (`bytes` may be 0 for a zero-length message, which is not end of stream on Windows);
 * - `eof`: the other end closed (`ERROR_BROKEN_PIPE`, `ERROR_PIPE_NOT_CONNECTED`, `ERROR_HANDLE_EOF`);
 * - `aborted`: cancelled through {@link OverlappedPipeIo.cancel} or by closing the handle (`ERROR_OPERATION_ABORTED`);
 * - `error`: any other failure; `code` holds the Win32 error.
 */
export type PipeIoStatus = 'ok' | 'eof' | 'aborted' | 'error';

/** The outcome of one read or write, delivered once the OS no longer uses the request's memory. */
export interface PipeIoResult {
  status: PipeIoStatus;
  /** Bytes transferred (for a write that ended early, how many of the bytes were written). */
  bytes: number;
  /** For a successful read: a copy of the bytes read (owned by the caller). Otherwise `null`. */
  data: Buffer | null;
  /** The Win32 error code (`0` for `ok`). */
  code: number;
  /** For an `error` the primitive detected itself rather than the OS reported: what is wrong. */
  detail?: string;
}

/** Called exactly once per request, always asynchronously (never from inside `read`/`write`), on the JS thread. */
export type PipeIoCallback = (result: PipeIoResult) => void;

/** One overlapped request in flight, as a token for {@link OverlappedPipeIo.cancel}. */
export interface PipeIoRequest {
  /** The request's integer id: the context of its thread-pool wait. */
  readonly id: number;
  /** Whether the request's completion has not yet been delivered. */
  readonly pending: boolean;
}

/** Counters of the primitive's live resources: all zero when nothing is in flight (tests assert no leaks). */
export interface PipeIoStats {
  /** Requests whose callback has not run yet. */
  pending: number;
  /** Registered thread-pool waits (`RegisterWaitForSingleObject`) not yet unregistered. */
  waits: number;
  /** Event HANDLEs created for requests and not yet closed. */
  events: number;
  /** Native OVERLAPPED + data blocks not yet freed. */
  buffers: number;
  /** Requests cancelled with `CancelIoEx` so far (cumulative). */
  cancelled: number;
  /** Pipe HANDLEs closed through {@link OverlappedPipeIo.closeHandle} so far (cumulative). */
  handlesClosed: number;
}

/**
 * Overlapped `ReadFile`/`WriteFile` on pipe HANDLEs opened with `FILE_FLAG_OVERLAPPED`, completed without holding a
 * libuv threadpool thread: each request has its own event, watched by `RegisterWaitForSingleObject` on the Windows
 * thread pool, whose single process-wide koffi callback wakes the JS thread. Memory handed to the OS (the
 * OVERLAPPED and the data block) stays allocated until the request has completed, including after cancellation.
 *
 * Completions do not keep Node's event loop alive by themselves (koffi relays foreign-thread callbacks through an
 * unref'd threadsafe function): callers hold a ref'd handle while they wait.
 */
export interface OverlappedPipeIo {
  /** Starts reading up to `size` bytes from `handle`. */
  read(handle: bigint, size: number, done: PipeIoCallback): PipeIoRequest;
  /** Starts writing `data` (copied to native memory first, so the caller may reuse it) to `handle`. */
  write(handle: bigint, data: Uint8Array, done: PipeIoCallback): PipeIoRequest;
  /**
   * Asks a pending request to stop (`CancelIoEx`). Its callback still runs, normally with `aborted` (or with its
   * real result if it completed first); only then is its memory freed. A no-op for a finished request.
   */
  cancel(request: PipeIoRequest): void;
  /** `CloseHandle` on a pipe HANDLE; call only when no request on it is pending. */
  closeHandle(handle: bigint): void;
  /** Live-resource counters, for tests and diagnostics. */
  stats(): PipeIoStats;
}
