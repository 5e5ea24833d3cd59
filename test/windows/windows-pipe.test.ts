import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { createOverlappedPipeIo, loadOverlappedPipeIo } from '../../src/ffi/windows-pipe';
import { RequestIds } from '../../src/ffi/windows-pipe-ids';
import type { OverlappedPipeIo, PipeIoResult } from '../../src/ffi/windows-pipe-types';
import { describeIf, onWindows } from '../support/lanes';
import { closeHandle, createPipePair, isOpenHandle } from './support/pipes';

const reason = 'overlapped kernel32 pipe I/O exists only on Windows (Windows lane)';

function read(io: OverlappedPipeIo, handle: bigint, size = 4096): Promise<PipeIoResult> {
  return new Promise((resolve) => io.read(handle, size, resolve));
}

function write(io: OverlappedPipeIo, handle: bigint, data: Uint8Array): Promise<PipeIoResult> {
  return new Promise((resolve) => io.write(handle, data, resolve));
}

/** Runs a fixture under this node.exe; resolves with its exit code and output (never rejects on a failing exit). */
function runFixture(name: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(__dirname, 'fixtures', name), ...args], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr }),
    );
  });
}

/** Resolves with the promise's value, or with 'timed out' after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timed out'> {
  return Promise.race([promise, new Promise<'timed out'>((r) => setTimeout(() => r('timed out'), ms))]);
}

function expectIdle(io: OverlappedPipeIo): void {
  const s = io.stats();
  expect({ pending: s.pending, waits: s.waits, events: s.events, buffers: s.buffers }).toEqual({
    pending: 0,
    waits: 0,
    events: 0,
    buffers: 0,
  });
}

describeIf(onWindows, reason)('overlapped pipe I/O primitive (kernel32)', () => {
  let io: OverlappedPipeIo;
  beforeAll(() => {
    io = loadOverlappedPipeIo();
  });

  it('reads what the other end wrote, completing a pending ReadFile through the thread-pool wait', async () => {
    const pipe = createPipePair('in');
    const pending = read(io, pipe.ours);
    expect(io.stats().pending).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    const written = await write(io, pipe.peer, Buffer.from('hello pipe'));
    expect(written).toMatchObject({ status: 'ok', bytes: 10 });
    const result = await pending;
    expect(result.status).toBe('ok');
    expect(result.data?.toString()).toBe('hello pipe');
    closeHandle(pipe.peer);
    io.closeHandle(pipe.ours);
    expectIdle(io);
  });

  it('reports ERROR_BROKEN_PIPE as end of stream once the writer closes, after the buffered data', async () => {
    const pipe = createPipePair('in');
    await write(io, pipe.peer, Buffer.from('last words'));
    closeHandle(pipe.peer);
    const first = await read(io, pipe.ours);
    expect(first.data?.toString()).toBe('last words');
    const second = await read(io, pipe.ours);
    expect(second).toMatchObject({ status: 'eof', code: 109, data: null });
    io.closeHandle(pipe.ours);
    expectIdle(io);
  });

  it('ends a cancelled pending read with ERROR_OPERATION_ABORTED and frees its memory only then', async () => {
    const pipe = createPipePair('in');
    const request = io.read(pipe.ours, 4096, () => {});
    const done = new Promise<PipeIoResult>((resolve) => {
      // Re-issue with a capturing callback: the first request is cancelled through its own token below.
      io.cancel(request);
      const again = io.read(pipe.ours, 4096, resolve);
      setTimeout(() => io.cancel(again), 30);
    });
    const result = await done;
    expect(result).toMatchObject({ status: 'aborted', code: 995 });
    await new Promise((r) => setImmediate(r));
    expectIdle(io);
    expect(request.pending).toBe(false);
    closeHandle(pipe.peer);
    io.closeHandle(pipe.ours);
  });

  it('treats a zero-byte write as no data rather than end of stream', async () => {
    const pipe = createPipePair('in');
    await write(io, pipe.peer, new Uint8Array(0));
    await write(io, pipe.peer, Buffer.from('after'));
    let result = await read(io, pipe.ours);
    if (result.status === 'ok' && result.bytes === 0) result = await read(io, pipe.ours);
    expect(result.status).toBe('ok');
    expect(result.data?.toString()).toBe('after');
    closeHandle(pipe.peer);
    io.closeHandle(pipe.ours);
    expectIdle(io);
  });

  it('reports a write to a pipe whose reader has gone as an error, not as success', async () => {
    const pipe = createPipePair('out');
    closeHandle(pipe.peer);
    const result = await write(io, pipe.ours, Buffer.from('nobody listens'));
    expect(result.status).toBe('error');
    expect([109, 232, 233]).toContain(result.code);
    io.closeHandle(pipe.ours);
    expect(isOpenHandle(pipe.ours)).toBe(false);
    expectIdle(io);
  });

  it('refuses a handle opened without FILE_FLAG_OVERLAPPED instead of blocking the JS thread in ReadFile', async () => {
    const pipe = createPipePair('out', { peerOverlapped: false });
    // Data is waiting, so even if the check failed the read below would return rather than hang the lane.
    expect(await write(io, pipe.ours, Buffer.from('x'))).toMatchObject({ status: 'ok', bytes: 1 });
    const result = await read(io, pipe.peer);
    expect(result).toMatchObject({ status: 'error', code: 87 });
    expect(result.detail).toMatch(/FILE_FLAG_OVERLAPPED/);
    closeHandle(pipe.peer);
    io.closeHandle(pipe.ours);
    expectIdle(io);
  });

  it('fails a read on an invalid handle asynchronously with the Win32 error', async () => {
    let sync = true;
    const result = await new Promise<PipeIoResult>((resolve) => {
      io.read(0x7ff0n, 16, (r) => {
        expect(sync).toBe(false);
        resolve(r);
      });
      sync = false;
    });
    expect(result.status).toBe('error');
    expect(result.code).toBe(6);
    expectIdle(io);
  });

  it('reads a message-mode message larger than the buffer in pieces (ERROR_MORE_DATA, also when it is immediate)', async () => {
    const pipe = createPipePair('in', { messages: true });
    const message = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff));
    expect(await write(io, pipe.peer, message)).toMatchObject({ status: 'ok', bytes: message.length });
    // The whole message is queued before the first ReadFile, so ReadFile itself fails with ERROR_MORE_DATA.
    const pieces: Buffer[] = [];
    for (let got = 0; got < message.length; ) {
      const result = await read(io, pipe.ours, 4096);
      expect(result.status).toBe('ok');
      pieces.push(result.data!);
      got += result.bytes;
    }
    expect(pieces.map((p) => p.length)).toEqual([4096, 4096, 1808]);
    expect(Buffer.concat(pieces).equals(message)).toBe(true);
    closeHandle(pipe.peer);
    io.closeHandle(pipe.ours);
    expectIdle(io);
  });

  it('fails a request whose native buffer cannot be allocated, releasing its event (over 2 GiB: koffi refuses)', async () => {
    const pipe = createPipePair('in');
    const result = await read(io, pipe.ours, 0x7fffffff);
    expect(result).toMatchObject({ status: 'error', code: 8 });
    expect(result.detail).toMatch(/no native buffer/);
    expectIdle(io);
    closeHandle(pipe.peer);
    io.closeHandle(pipe.ours);
  });

  it('delivers completions while a test framework fakes the global timers', async () => {
    jest.useFakeTimers(); // fakes setImmediate and setTimeout, as jest's default fake timers do
    try {
      const pipe = createPipePair('in');
      const pending = read(io, pipe.ours);
      await write(io, pipe.peer, Buffer.from('real timers inside'));
      expect((await pending).data?.toString()).toBe('real timers inside');
      closeHandle(pipe.peer);
      io.closeHandle(pipe.ours);
    } finally {
      jest.useRealTimers();
    }
    expectIdle(io);
  });

  it('never gives a new request the id of one still pending when the ids wrap around', async () => {
    // Ids 1..3 only, so the wrap comes after three requests instead of 2^53 - 1 (RequestIds is the real allocator).
    const small = createOverlappedPipeIo(new RequestIds(3));
    const idle = createPipePair('in');
    const idleRead = read(small, idle.ours); // id 1, pending while the pipe stays idle
    const busy = createPipePair('in');
    for (let i = 0; i < 6; i++) {
      const pending = read(small, busy.ours);
      expect(await write(small, busy.peer, Buffer.from(`chunk ${i}`))).toMatchObject({ status: 'ok' });
      expect((await pending).data?.toString()).toBe(`chunk ${i}`);
    }
    expect(small.stats().pending).toBe(1);
    expect(await write(small, idle.peer, Buffer.from('idle at last'))).toMatchObject({ status: 'ok' });
    const result = await within(idleRead, 5000);
    expect(result).toMatchObject({ status: 'ok', data: Buffer.from('idle at last') });
    for (const p of [idle, busy]) {
      closeHandle(p.peer);
      small.closeHandle(p.ours);
    }
    expectIdle(small);
  });

  it('carries request ids above 2^32 through the wait context and back (up to Number.MAX_SAFE_INTEGER)', async () => {
    const high = createOverlappedPipeIo(new RequestIds(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - 1));
    const pipes = [0, 1, 2].map(() => createPipePair('in'));
    const requests: number[] = [];
    const results = pipes.map(
      (p) => new Promise<PipeIoResult>((resolve) => requests.push(high.read(p.ours, 64, resolve).id)),
    );
    expect(requests).toEqual([Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER, 1]);
    await new Promise((r) => setTimeout(r, 30));
    expect(high.stats().waits).toBe(3); // all three really wait on the thread pool with their large context
    for (const [i, p] of pipes.entries()) await write(high, p.peer, Buffer.from(`pipe ${i}`));
    const texts = (await within(Promise.all(results), 5000)) as PipeIoResult[] | 'timed out';
    expect(texts === 'timed out' ? texts : texts.map((r) => r.data?.toString())).toEqual(['pipe 0', 'pipe 1', 'pipe 2']);
    for (const p of pipes) {
      closeHandle(p.peer);
      high.closeHandle(p.ours);
    }
    expectIdle(high);
  });

  it('delivers every other completion of a batch when one callback throws, and the error still surfaces uncaught', async () => {
    const handled = await runFixture('throwing-completion.js', ['handled']);
    expect(handled.stderr).toBe('');
    const report = JSON.parse(handled.stdout.trim()) as Record<string, unknown>;
    expect(report).toEqual({
      delivered: ['0:ok:data 0', '1:ok:data 1', '2:ok:data 2'],
      other: 'stream 1',
      caught: ['boom from the first completion', 'boom from a data handler'],
      stats: expect.objectContaining({ pending: 0, waits: 0, events: 0, buffers: 0 }),
    });
    expect(handled.code).toBe(0);
    // Without a listener the exception ends the process, as a throwing handler does anywhere in Node.
    const unhandled = await runFixture('throwing-completion.js', ['unhandled']);
    expect(unhandled.stdout).toBe('');
    expect(unhandled.stderr).toContain('boom from the first completion');
    expect(unhandled.code).toBe(1);
  }, 90_000);
});
