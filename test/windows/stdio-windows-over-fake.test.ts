import { finished } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import { keepAlive } from '../../src/core/keep-alive';
import { createWindowsStdioOpener } from '../../src/core/stdio-windows';
import type { OverlappedPipeIo, PipeIoCallback, PipeIoRequest, PipeIoResult } from '../../src/ffi/windows-pipe-types';

// The Windows stdio streams over a pure-TS stand-in for the overlapped pipe primitive: the stream logic (keep-alive,
// write slicing) needs no kernel32, so these run on every lane. Real pipes: stdio-windows.test.ts (Windows lane).

interface FakeRequest extends PipeIoRequest {
  kind: 'read' | 'write';
  bytes: number;
  done: PipeIoCallback;
  pending: boolean;
}

/** Records every request and completes it only when the test says so (or at once, through `autoWrite`). */
class FakePipeIo implements OverlappedPipeIo {
  readonly requests: FakeRequest[] = [];
  /** When set, every write completes on the next turn with this result (given the slice length). */
  autoWrite: ((length: number) => PipeIoResult) | null = null;
  #id = 0;

  read(_handle: bigint, size: number, done: PipeIoCallback): PipeIoRequest {
    return this.#add('read', size, done);
  }

  write(_handle: bigint, data: Uint8Array, done: PipeIoCallback): PipeIoRequest {
    const request = this.#add('write', data.byteLength, done);
    const auto = this.autoWrite;
    // Capped, so the test fails rather than spins if the stream re-issues a write forever.
    if (auto !== null && this.writes().length <= 100) setImmediate(() => this.complete(request, auto(data.byteLength)));
    return request;
  }

  cancel(request: PipeIoRequest): void {
    const r = request as FakeRequest;
    if (r.pending) setImmediate(() => this.complete(r, { status: 'aborted', bytes: 0, data: null, code: 995 }));
  }

  closeHandle(): void {}

  stats(): { pending: number; waits: number; events: number; buffers: number; cancelled: number; handlesClosed: number } {
    const pending = this.requests.filter((r) => r.pending).length;
    return { pending, waits: 0, events: 0, buffers: 0, cancelled: 0, handlesClosed: 0 };
  }

  writes(): number[] {
    return this.requests.filter((r) => r.kind === 'write').map((r) => r.bytes);
  }

  pendingReads(): FakeRequest[] {
    return this.requests.filter((r) => r.kind === 'read' && r.pending);
  }

  complete(request: FakeRequest, result: PipeIoResult): void {
    if (!request.pending) return;
    request.pending = false;
    request.done(result);
  }

  #add(kind: 'read' | 'write', bytes: number, done: PipeIoCallback): FakeRequest {
    const request: FakeRequest = { id: ++this.#id, kind, bytes, done, pending: true };
    this.requests.push(request);
    return request;
  }
}

const ok = (bytes: number): PipeIoResult => ({ status: 'ok', bytes, data: null, code: 0 });
const eof: PipeIoResult = { status: 'eof', bytes: 0, data: null, code: 109 };
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

function streams(io: FakePipeIo): { stdin: Writable; stdout: Readable } {
  const s = createWindowsStdioOpener(io)({ stdin: 0x10n, stdout: 0x20n, stderr: 0n });
  return { stdin: s.stdin as Writable, stdout: s.stdout as Readable };
}

describe('Windows stdio streams over a fake pipe primitive', () => {
  it('never hands an empty chunk to WriteFile: a 0-byte pipe write reads as end of input to many programs', async () => {
    const io = new FakePipeIo();
    io.autoWrite = ok;
    const { stdin } = streams(io);
    await new Promise((cb) => stdin.write(Buffer.alloc(0), cb));
    await new Promise((cb) => stdin.write('', cb));
    await new Promise((cb) => stdin.write('data', cb));
    await new Promise<void>((cb) => stdin.end(new Uint8Array(0), () => cb()));
    expect(io.writes()).toEqual([4]);
  });

  it('fails with EPIPE when WriteFile reports success with 0 bytes written, instead of re-issuing it forever', async () => {
    const io = new FakePipeIo();
    io.autoWrite = () => ok(0);
    const { stdin } = streams(io);
    const errors: Error[] = [];
    stdin.on('error', (e) => errors.push(e));
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      new Promise<Error | null | undefined>((resolve) => stdin.write('abc', resolve)),
      new Promise<string>((r) => (timer = setTimeout(() => r('no callback within 2 s'), 2000))),
    ]);
    clearTimeout(timer);
    expect(io.writes()).toEqual([3]);
    expect(outcome).toMatchObject({ code: 'EPIPE', syscall: 'WriteFile' });
    expect((outcome as Error).message).toMatch(/0 of 3 bytes written/);
    await tick();
    expect(errors).toHaveLength(1);
  });

  it('still goes on with the rest of a chunk after a partial write', async () => {
    const io = new FakePipeIo();
    io.autoWrite = (length) => ok(Math.min(length, 2));
    const { stdin } = streams(io);
    await new Promise((cb) => stdin.write('abcde', cb));
    expect(io.writes()).toEqual([5, 3, 1]);
  });

  it('keeps Node alive while a paused stream is read by async iteration (which never emits resume)', async () => {
    const io = new FakePipeIo();
    const { stdout } = streams(io);
    const base = keepAlive.count;
    stdout.pause();
    await tick();
    expect({ reads: io.pendingReads().length, held: keepAlive.count - base }).toEqual({ reads: 0, held: 0 });
    const iterator = stdout[Symbol.asyncIterator]();
    const first = iterator.next();
    await tick();
    expect({ reads: io.pendingReads().length, held: keepAlive.count - base }).toEqual({ reads: 1, held: 1 });
    io.complete(io.pendingReads()[0] as FakeRequest, { ...ok(3), data: Buffer.from('abc') });
    expect((await first).value).toEqual(Buffer.from('abc'));
    for (const r of io.pendingReads()) io.complete(r, eof);
    expect((await iterator.next()).done).toBe(true);
    expect(keepAlive.count).toBe(base);
  });

  it("keeps Node alive while a paused stream is read through 'readable' and read()", async () => {
    const io = new FakePipeIo();
    const { stdout } = streams(io);
    const base = keepAlive.count;
    stdout.pause();
    const chunks: Buffer[] = [];
    stdout.on('readable', () => {
      for (let c = stdout.read() as Buffer | null; c !== null; c = stdout.read() as Buffer | null) chunks.push(c);
    });
    await tick();
    expect({ reads: io.pendingReads().length, held: keepAlive.count - base }).toEqual({ reads: 1, held: 1 });
    const ended = new Promise((r) => stdout.on('end', r));
    io.complete(io.pendingReads()[0] as FakeRequest, eof);
    await ended;
    expect(keepAlive.count).toBe(base);
  });

  it('keeps holding when a flowing stream is paused with a read in flight, so a later read() is covered', async () => {
    const io = new FakePipeIo();
    const { stdout } = streams(io);
    const base = keepAlive.count;
    stdout.on('data', () => {});
    await tick();
    expect(keepAlive.count - base).toBe(1);
    stdout.pause();
    await tick();
    // Node's read() does not call _read again while one is in flight: this hold is all that covers the consumer.
    expect({ reads: io.pendingReads().length, held: keepAlive.count - base }).toEqual({ reads: 1, held: 1 });
    const text = (async () => {
      const parts: Buffer[] = [];
      for await (const c of stdout) parts.push(c as Buffer);
      return Buffer.concat(parts).toString();
    })();
    io.complete(io.pendingReads()[0] as FakeRequest, { ...ok(4), data: Buffer.from('late') });
    await tick();
    for (const r of io.pendingReads()) io.complete(r, eof);
    expect(await text).toBe('late');
    expect(keepAlive.count).toBe(base);
  });

  it('never holds Node for a stream nobody reads from, paused or not', async () => {
    const io = new FakePipeIo();
    const base = keepAlive.count;
    const { stdout } = streams(io);
    const other = streams(io).stdout;
    other.pause();
    await tick();
    expect({ reads: io.pendingReads().length, held: keepAlive.count - base }).toEqual({ reads: 0, held: 0 });
    stdout.destroy();
    other.destroy();
  });
  it('bounds the buffer of one ReadFile whatever read(n) asks: Node raises highWaterMark up to 1 GiB and keeps it', async () => {
    const io = new FakePipeIo();
    const { stdout } = streams(io);
    stdout.pause();
    stdout.read(512 * 1024 * 1024);
    await tick();
    const first = io.pendingReads()[0]!;
    // Each request allocates and commits its buffer natively; a pipe read returns far less than this anyway.
    expect(first.bytes).toBe(1024 * 1024);
    io.complete(first, { status: 'ok', bytes: 3, data: Buffer.from('abc'), code: 0 });
    await tick();
    expect(io.pendingReads().map((r) => r.bytes)).toEqual([1024 * 1024]);
    stdout.destroy();
    await new Promise((r) => stdout.once('close', r));
  });

  it('a plain destroy() with a write in flight records no error: finished() reports a premature close, as net.Socket', async () => {
    const io = new FakePipeIo();
    const { stdin, stdout } = streams(io);
    stdout.destroy();
    const writeError = new Promise<Error | null | undefined>((r) => stdin.write('abc', r));
    const ended = new Promise<NodeJS.ErrnoException | null | undefined>((r) => finished(stdin, r));
    stdin.destroy();
    const [callbackError, finishedError] = await Promise.all([writeError, ended]);
    expect(callbackError ?? null).toBeNull();
    expect(stdin.errored).toBeNull();
    expect(finishedError?.code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    expect(io.stats().pending).toBe(0);
  });
});
