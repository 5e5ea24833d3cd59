import koffi from 'koffi';
// Why from node:timers: a test framework's fake timers (jest's fake setImmediate) replace the globals, and stdio
// completions must still be delivered in a consumer's test that fakes them.
import { setImmediate, setTimeout } from 'node:timers';
import {
  FILE_SYNCHRONOUS_IO,
  FileModeInformation,
  INFINITE,
  loadKernel32,
  OVERLAPPED_HEVENT,
  OVERLAPPED_INTERNAL_HIGH,
  OVERLAPPED_SIZE,
  WaitOrTimerCallback,
  Win32Error,
  WT_EXECUTELONGFUNCTION,
  WT_EXECUTEONLYONCE,
  type Kernel32,
} from './kernel32';
import { RequestIds } from './windows-pipe-ids';
import type {
  OverlappedPipeIo,
  PipeIoCallback,
  PipeIoRequest,
  PipeIoResult,
  PipeIoStats,
  PipeIoStatus,
} from './windows-pipe-types';

type Kind = 'read' | 'write';

/** One request's native state. Lives in `requests` from issue until its result has been delivered. */
class Request implements PipeIoRequest {
  pending = true;
  /** The registered wait, or 0n when none is registered (completed inline, or already unregistered). */
  wait = 0n;
  cancelRequested = false;
  /** Set once the native memory is freed: from then on the OVERLAPPED address must not be handed to the OS. */
  released = false;

  constructor(
    readonly id: number,
    readonly kind: Kind,
    readonly handle: bigint,
    readonly event: bigint,
    /** Native block: OVERLAPPED, then `length` data bytes. */
    readonly memory: bigint,
    readonly view: Uint8Array,
    readonly length: number,
    readonly done: PipeIoCallback,
  ) {}

  get overlapped(): bigint {
    return this.memory;
  }

  get data(): bigint {
    return this.memory + BigInt(OVERLAPPED_SIZE);
  }
}

function statusOf(kind: Kind, code: number): PipeIoStatus {
  switch (code) {
    case Win32Error.ERROR_OPERATION_ABORTED:
      return 'aborted';
    case Win32Error.ERROR_BROKEN_PIPE:
    case Win32Error.ERROR_PIPE_NOT_CONNECTED:
    case Win32Error.ERROR_HANDLE_EOF:
      // For a read the writer went away: end of stream. For a write the reader went away: an error (EPIPE).
      return kind === 'read' ? 'eof' : 'error';
    default:
      return 'error';
  }
}

class WindowsOverlappedPipeIo implements OverlappedPipeIo {
  readonly #k: Kernel32;
  readonly #requests = new Map<number, Request>();
  /** Requests whose wait fired, in firing order, waiting for the JS-thread drain. */
  #fired: Request[] = [];
  #drainScheduled = false;
  readonly #ids: RequestIds;
  #callback: bigint;
  #waits = 0;
  #events = 0;
  #buffers = 0;
  #cancelled = 0;
  #handlesClosed = 0;

  constructor(k: Kernel32, ids: RequestIds) {
    this.#k = k;
    this.#ids = ids;
    // One registered callback for the whole process (koffi allows 8192); its context is a request id. It runs on
    // the JS thread (koffi relays it from the Windows thread-pool thread, which blocks meanwhile), so it only
    // records the id and schedules the drain: it must never throw, or koffi turns it into an uncaught exception.
    this.#callback = koffi.register((context: number | bigint) => {
      try {
        const request = this.#requests.get(Number(context));
        if (request === undefined) return;
        this.#fired.push(request);
        this.#scheduleDrain();
      } catch {
        // Nothing sensible can be done on the callback path; the request stays pending and visible in stats().
      }
    }, koffi.pointer(WaitOrTimerCallback));
  }

  read(handle: bigint, size: number, done: PipeIoCallback): PipeIoRequest {
    const length = Math.max(1, Math.min(size >>> 0 || 1, 0x7fffffff));
    return this.#start('read', handle, length, null, done);
  }

  write(handle: bigint, data: Uint8Array, done: PipeIoCallback): PipeIoRequest {
    return this.#start('write', handle, data.byteLength, data, done);
  }

  cancel(request: PipeIoRequest): void {
    const r = this.#requests.get(request.id);
    if (r === undefined || r !== request || !r.pending || r.cancelRequested || r.released) return;
    r.cancelRequested = true;
    this.#cancelled += 1;
    // CancelIoEx failing with ERROR_NOT_FOUND means the request completed first; either way its completion (real
    // or aborted) signals the event, the wait fires and the result arrives through the ordinary path.
    this.#k.CancelIoEx(r.handle, r.overlapped);
  }

  closeHandle(handle: bigint): void {
    if (handle === 0n) return;
    this.#k.CloseHandle(handle);
    this.#handlesClosed += 1;
  }

  stats(): PipeIoStats {
    return {
      pending: this.#requests.size,
      waits: this.#waits,
      events: this.#events,
      buffers: this.#buffers,
      cancelled: this.#cancelled,
      handlesClosed: this.#handlesClosed,
    };
  }

  #start(kind: Kind, handle: bigint, length: number, source: Uint8Array | null, done: PipeIoCallback): Request {
    const k = this.#k;
    // Never the id of a request still in the map: see RequestIds.
    const id = this.#ids.next((candidate) => this.#requests.has(candidate));

    // A handle opened without FILE_FLAG_OVERLAPPED would make ReadFile block the JS thread until data arrives
    // (Win32 ignores the OVERLAPPED's asynchrony then): refuse it with an error instead of hanging.
    if (this.#isSynchronous(handle)) {
      const detail = 'the handle was not opened for overlapped I/O (FILE_FLAG_OVERLAPPED)';
      return this.#failEarly(id, kind, handle, Win32Error.ERROR_INVALID_PARAMETER, done, detail);
    }

    // Manual-reset event, as overlapped I/O expects: ReadFile/WriteFile reset it when the request starts and the OS
    // sets it when the request completes.
    const event = k.CreateEventW(null, 1, 0, null);
    if (!event) return this.#failEarly(id, kind, handle, k.GetLastError(), done);
    this.#events += 1;

    // Native memory, not a JS Buffer: the OS writes into it after ReadFile returns, so it must neither move nor be
    // collected before completion (koffi's docs: typed arrays are only safe for the duration of a call).
    let memory = 0n;
    let view: Uint8Array;
    try {
      memory = koffi.alloc('uint8_t', OVERLAPPED_SIZE + Math.max(length, 1)) as bigint;
      this.#buffers += 1;
      view = new Uint8Array(koffi.view(memory, OVERLAPPED_SIZE + Math.max(length, 1)));
    } catch (err) {
      // Out of memory, a size koffi refuses (over 2 GiB), or a runtime without external buffers: nothing was
      // handed to the OS, so give back what was taken and fail this request alone.
      if (memory !== 0n) {
        koffi.free(memory);
        this.#buffers -= 1;
      }
      k.CloseHandle(event);
      this.#events -= 1;
      const detail = `no native buffer for the request: ${err instanceof Error ? err.message : String(err)}`;
      return this.#failEarly(id, kind, handle, Win32Error.ERROR_NOT_ENOUGH_MEMORY, done, detail);
    }
    view.fill(0, 0, OVERLAPPED_SIZE);
    new DataView(view.buffer, view.byteOffset, OVERLAPPED_SIZE).setBigUint64(OVERLAPPED_HEVENT, event, true);
    if (source !== null) view.set(source, OVERLAPPED_SIZE);

    const request = new Request(id, kind, handle, event, memory, view, length, done);
    this.#requests.set(id, request);

    const ok =
      kind === 'read'
        ? k.ReadFile(handle, request.data, length, null, request.overlapped)
        : k.WriteFile(handle, request.data, length, null, request.overlapped);
    if (!ok) {
      const error = k.GetLastError();
      if (error === Win32Error.ERROR_MORE_DATA) {
        // Message-mode pipe, a message larger than the buffer already queued: completed now, with a full buffer
        // (the event is set and InternalHigh holds the count), exactly as the delayed path below reports it.
        this.#fired.push(request);
        this.#scheduleDrain();
        return request;
      }
      if (error !== Win32Error.ERROR_IO_PENDING) {
        // Failed synchronously: nothing is queued in the OS, so the memory can go now; report asynchronously.
        this.#release(request);
        setImmediate(() => this.#deliver(request, { status: statusOf(kind, error), bytes: 0, data: null, code: error }));
        return request;
      }
    } else {
      // Completed synchronously (data was already there). The event is set and the OVERLAPPED holds the result:
      // no wait is needed, which spares a thread hop per chunk in bulk transfers.
      this.#fired.push(request);
      this.#scheduleDrain();
      return request;
    }

    const out: Array<bigint | null> = [null];
    // WT_EXECUTELONGFUNCTION: koffi holds the pool thread until the JS thread has run our callback, however busy JS
    // is; the flag tells the thread pool to add threads rather than queue other work behind such callbacks.
    const flags = WT_EXECUTEONLYONCE | WT_EXECUTELONGFUNCTION;
    if (!k.RegisterWaitForSingleObject(out, event, this.#callback, id, INFINITE, flags)) {
      // Cannot watch the event: stop the request and let the drain collect it once the OS has let go of it.
      // GetOverlappedResult(wait = FALSE) in the drain would see ERROR_IO_INCOMPLETE until then, so poll briefly.
      k.CancelIoEx(handle, request.overlapped);
      this.#pollUntilComplete(request);
      return request;
    }
    request.wait = out[0] ?? 0n;
    this.#waits += 1;
    return request;
  }

  #failEarly(id: number, kind: Kind, handle: bigint, code: number, done: PipeIoCallback, detail?: string): Request {
    const request = new Request(id, kind, handle, 0n, 0n, new Uint8Array(0), 0, done);
    request.released = true;
    this.#requests.set(id, request);
    const result: PipeIoResult = { status: 'error', bytes: 0, data: null, code, ...(detail === undefined ? {} : { detail }) };
    setImmediate(() => this.#deliver(request, result));
    return request;
  }

  /** Whether `handle` was opened for synchronous I/O. Unknown (the query failed) counts as overlapped. */
  #isSynchronous(handle: bigint): boolean {
    const mode = [0];
    const status = this.#k.NtQueryInformationFile(handle, Buffer.alloc(16), mode, 4, FileModeInformation);
    return status === 0 && ((mode[0] ?? 0) & FILE_SYNCHRONOUS_IO) !== 0;
  }

  #pollUntilComplete(request: Request): void {
    const transferred = [0];
    if (this.#k.GetOverlappedResult(request.handle, request.overlapped, transferred, 0)) {
      this.#fired.push(request);
      this.#scheduleDrain();
      return;
    }
    if (this.#k.GetLastError() !== Win32Error.ERROR_IO_INCOMPLETE) {
      this.#fired.push(request);
      this.#scheduleDrain();
      return;
    }
    setTimeout(() => this.#pollUntilComplete(request), 1);
  }

  #scheduleDrain(): void {
    if (this.#drainScheduled) return;
    this.#drainScheduled = true;
    setImmediate(() => this.#drain());
  }

  #drain(): void {
    this.#drainScheduled = false;
    const fired = this.#fired;
    this.#fired = [];
    for (let i = 0; i < fired.length; i++) {
      try {
        this.#complete(fired[i] as Request);
      } catch (err) {
        // Results are delivered synchronously into user code ('data' handlers through push(), write callbacks,
        // 'drain'), which may throw. The rest of the batch belongs to other streams: put it back in front of later
        // firings and drain it on the next turn, then let the exception surface uncaught, as it would in Node.
        this.#fired = fired.slice(i + 1).concat(this.#fired);
        if (this.#fired.length > 0) this.#scheduleDrain();
        throw err;
      }
    }
  }

  #complete(request: Request): void {
    const k = this.#k;
    if (request.wait !== 0n) {
      // Non-blocking unregistration: with a NULL completion event UnregisterWaitEx never waits for a running
      // callback (a blocking one could deadlock, since the callback needs this thread). It may report
      // ERROR_IO_PENDING while the pool thread is still returning from our callback; the wait is freed anyway.
      k.UnregisterWaitEx(request.wait, null);
      request.wait = 0n;
      this.#waits -= 1;
    }
    const transferred = [0];
    let result: PipeIoResult;
    if (k.GetOverlappedResult(request.handle, request.overlapped, transferred, 0)) {
      result = { status: 'ok', bytes: transferred[0] ?? 0, data: null, code: 0 };
    } else {
      const error = k.GetLastError();
      if (error === Win32Error.ERROR_MORE_DATA) {
        // Message-mode pipe, message larger than the buffer: the bytes read are valid, the rest comes next read.
        const bytes = Number(new DataView(request.view.buffer, request.view.byteOffset).getBigUint64(OVERLAPPED_INTERNAL_HIGH, true));
        result = { status: 'ok', bytes, data: null, code: 0 };
      } else {
        result = { status: statusOf(request.kind, error), bytes: 0, data: null, code: error };
      }
    }
    if (request.kind === 'read' && result.status === 'ok') {
      result.data = Buffer.from(request.view.subarray(OVERLAPPED_SIZE, OVERLAPPED_SIZE + result.bytes));
    }
    this.#release(request);
    this.#deliver(request, result);
  }

  /** Frees the request's native memory and event; only once the OS is done with them. */
  #release(request: Request): void {
    request.released = true;
    if (request.memory !== 0n) {
      koffi.free(request.memory);
      this.#buffers -= 1;
    }
    if (request.event !== 0n) {
      this.#k.CloseHandle(request.event);
      this.#events -= 1;
    }
  }

  #deliver(request: Request, result: PipeIoResult): void {
    request.pending = false;
    this.#requests.delete(request.id);
    request.done(result);
  }
}

let io: OverlappedPipeIo | undefined;

/**
 * Loads kernel32 and returns the process-wide {@link OverlappedPipeIo} (one koffi callback registration for all
 * pipes). Windows only: throws when kernel32.dll cannot be loaded.
 */
export function loadOverlappedPipeIo(): OverlappedPipeIo {
  io ??= createOverlappedPipeIo();
  return io;
}

/**
 * A separate {@link OverlappedPipeIo} with its own request ids, for tests that must reach the ids' wrap-around.
 * Each instance holds one koffi callback registration for the life of the process (koffi allows 8192), so the
 * binding itself only ever uses the one from {@link loadOverlappedPipeIo}. Windows only.
 */
export function createOverlappedPipeIo(ids: RequestIds = new RequestIds()): OverlappedPipeIo {
  return new WindowsOverlappedPipeIo(loadKernel32(), ids);
}
