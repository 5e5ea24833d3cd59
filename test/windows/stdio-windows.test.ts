import { execFile } from 'node:child_process';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { keepAlive } from '../../src/core/keep-alive';
import { createWindowsStdioOpener } from '../../src/core/stdio-windows';
import { loadOverlappedPipeIo } from '../../src/ffi/windows-pipe';
import type { OverlappedPipeIo, PipeIoResult } from '../../src/ffi/windows-pipe-types';
import { describeIf, onWindows } from '../support/lanes';
import { spawnNode } from './support/child';
import { closeHandle, createPipePair, isOpenHandle } from './support/pipes';
import { closed, collect, digest, pattern, sha256, untilIdle } from './support/streams';

const reason = 'overlapped pipe stdio exists only on Windows (Windows lane)';
const fixtures = path.join(__dirname, 'fixtures');
const MB = 1024 * 1024;

describeIf(onWindows, reason)('Windows stdio streams over overlapped pipes', () => {
  let io: OverlappedPipeIo;
  let open: ReturnType<typeof createWindowsStdioOpener>;
  beforeAll(() => {
    io = loadOverlappedPipeIo();
    open = createWindowsStdioOpener(io);
  });
  afterEach(async () => {
    await untilIdle(io);
  });

  it('gives null streams for handles that were not requested (0n)', () => {
    expect(open({ stdin: 0n, stdout: 0n, stderr: 0n })).toEqual({ stdin: null, stdout: null, stderr: null });
  });

  it('moves 20 MB from a Writable to a Readable intact (partial writes, backpressure, EOF)', async () => {
    const pipe = createPipePair('in');
    const { stdin: writer } = open({ stdin: pipe.peer, stdout: 0n, stderr: 0n });
    const { stdout: reader } = open({ stdin: 0n, stdout: pipe.ours, stderr: 0n });
    const data = pattern(20 * MB, 7);
    const received = digest(reader as Readable);
    // Uneven chunks, some larger than the 1 MiB WriteFile slice, so writes split and pipe buffers fill.
    const sizes = [1, 4095, 65537, 3 * MB + 5, 333, 2 * MB];
    let offset = 0;
    let i = 0;
    while (offset < data.length) {
      const end = Math.min(data.length, offset + (sizes[i++ % sizes.length] as number));
      if (!(writer as Writable).write(data.subarray(offset, end))) {
        await new Promise((r) => (writer as Writable).once('drain', r));
      }
      offset = end;
    }
    (writer as Writable).end();
    const result = await received;
    expect(result.bytes).toBe(data.length);
    expect(result.sha256).toBe(sha256(data));
    await Promise.all([closed(writer as Writable), closed(reader as Readable)]);
    expect(isOpenHandle(pipe.ours)).toBe(false);
    expect(isOpenHandle(pipe.peer)).toBe(false);
  }, 120_000);

  it('reads 20 MB written by a child process, intact, then sees end of stream', async () => {
    const pipe = createPipePair('in', { peerOverlapped: false, peerInheritable: true });
    const total = 20 * MB;
    const child = spawnNode([path.join(fixtures, 'emit.js'), String(total)], { stdout: pipe.peer });
    closeHandle(pipe.peer);
    try {
      const { stdout } = open({ stdin: 0n, stdout: pipe.ours, stderr: 0n });
      const result = await digest(stdout as Readable);
      const block = Buffer.alloc(64 * 1024);
      for (let j = 0; j < block.length; j++) block[j] = (j * 31 + 7) & 0xff;
      const expected = Buffer.concat(Array.from({ length: total / block.length }, () => block));
      expect(result.bytes).toBe(total);
      expect(result.sha256).toBe(sha256(expected));
      expect(await child.exited()).toBe(0);
    } finally {
      child.kill();
    }
  }, 120_000);

  it('echoes stdin through a child process: everything written comes back before end', async () => {
    const toChild = createPipePair('out', { peerOverlapped: false, peerInheritable: true });
    const fromChild = createPipePair('in', { peerOverlapped: false, peerInheritable: true });
    const child = spawnNode([path.join(fixtures, 'echo.js')], { stdin: toChild.peer, stdout: fromChild.peer });
    closeHandle(toChild.peer);
    closeHandle(fromChild.peer);
    try {
      const stdio = open({ stdin: toChild.ours, stdout: fromChild.ours, stderr: 0n });
      const output = collect(stdio.stdout as Readable);
      const lines = Array.from({ length: 2000 }, (_, n) => `line ${n} ${'x'.repeat(n % 300)}\n`).join('');
      await pipeline(async function* () {
        for (let at = 0; at < lines.length; at += 7000) yield Buffer.from(lines.slice(at, at + 7000));
      }, stdio.stdin as Writable);
      expect((await output).toString()).toBe(lines);
      expect(await child.exited()).toBe(0);
    } finally {
      child.kill();
    }
  }, 60_000);

  it('ends after the last byte when the writer closes, and closes its handle', async () => {
    const pipe = createPipePair('in');
    const { stdout } = open({ stdin: 0n, stdout: pipe.ours, stderr: 0n });
    const output = collect(stdout as Readable);
    await new Promise((r) => setTimeout(r, 30));
    const { stdin } = open({ stdin: pipe.peer, stdout: 0n, stderr: 0n });
    (stdin as Writable).end('goodbye');
    expect((await output).toString()).toBe('goodbye');
    await closed(stdout as Readable);
    expect(isOpenHandle(pipe.ours)).toBe(false);
  });

  it('destroying a stream mid-read cancels the read, waits for it, closes the handle and leaks nothing', async () => {
    const before = io.stats();
    const pipe = createPipePair('in');
    const { stdout } = open({ stdin: 0n, stdout: pipe.ours, stderr: 0n });
    const reader = stdout as Readable;
    const errors: Error[] = [];
    reader.on('error', (e) => errors.push(e));
    reader.on('data', () => {});
    await new Promise((r) => setTimeout(r, 50));
    expect(io.stats().pending).toBe(before.pending + 1);
    expect(io.stats().waits).toBe(before.waits + 1);
    reader.destroy();
    // The handle stays open until the aborted read has completed: the OS still owns the OVERLAPPED until then.
    await closed(reader);
    expect(errors).toEqual([]);
    expect(io.stats().cancelled).toBe(before.cancelled + 1);
    expect(io.stats().handlesClosed).toBe(before.handlesClosed + 1);
    expect(isOpenHandle(pipe.ours)).toBe(false);
    await untilIdle(io);
    closeHandle(pipe.peer);
  });

  it('destroying many streams mid-read in a burst neither crashes nor leaks', async () => {
    const pipes = Array.from({ length: 32 }, () => createPipePair('in'));
    const readers = pipes.map((p) => open({ stdin: 0n, stdout: p.ours, stderr: 0n }).stdout as Readable);
    for (const r of readers) r.resume();
    await new Promise((r) => setTimeout(r, 50));
    for (const r of readers) r.destroy();
    await Promise.all(readers.map(closed));
    await untilIdle(io);
    for (const p of pipes) {
      expect(isOpenHandle(p.ours)).toBe(false);
      closeHandle(p.peer);
    }
  });

  it('stops reading while the consumer applies backpressure, and loses nothing when it resumes', async () => {
    const pipe = createPipePair('in', { bufferSize: 4096 });
    const { stdout } = open({ stdin: 0n, stdout: pipe.ours, stderr: 0n });
    const { stdin } = open({ stdin: pipe.peer, stdout: 0n, stderr: 0n });
    const reader = stdout as Readable;
    const writer = stdin as Writable;
    const data = pattern(4 * MB, 3);
    writer.end(data);
    reader.pause();
    reader.read(0); // starts reading without consuming: the internal buffer fills to highWaterMark, then stops.
    await new Promise((r) => setTimeout(r, 300));
    expect(reader.readableLength).toBeLessThanOrEqual(reader.readableHighWaterMark + 256 * 1024);
    expect(io.stats().pending).toBeLessThanOrEqual(1); // the writer's request only: no read is queued
    expect(writer.writableFinished).toBe(false); // the writer is held back by the full pipe
    const received = digest(reader);
    reader.resume(); // explicitly paused streams stay paused when a 'data' listener is added
    const result = await received;
    expect(result.bytes).toBe(data.length);
    expect(result.sha256).toBe(sha256(data));
  }, 60_000);

  it('holds the event loop open exactly while a read the consumer asked for is in flight, never for an unread stream', async () => {
    const pipe = createPipePair('in');
    const base = keepAlive.count;
    const { stdout } = open({ stdin: 0n, stdout: pipe.ours, stderr: 0n });
    const reader = stdout as Readable;
    reader.pause(); // nobody reads yet: no ReadFile, nothing held
    await new Promise((r) => setTimeout(r, 30));
    expect({ pending: io.stats().pending, held: keepAlive.count - base }).toEqual({ pending: 0, held: 0 });
    // Async iteration reads the paused stream without emitting 'resume': its read must hold Node all the same.
    const iterator = reader[Symbol.asyncIterator]();
    const first = iterator.next();
    await new Promise((r) => setTimeout(r, 30));
    expect({ pending: io.stats().pending, held: keepAlive.count - base }).toEqual({ pending: 1, held: 1 });
    await new Promise<PipeIoResult>((resolve) => io.write(pipe.peer, Buffer.from('one'), resolve));
    expect(String((await first).value)).toBe('one');
    closeHandle(pipe.peer);
    expect((await iterator.next()).done).toBe(true);
    await closed(reader);
    expect(keepAlive.count).toBe(base);
  });

  it.each(['iterate', 'readable'])(
    'a program that pauses stdout and then reads it (%s) stays alive for output that comes later',
    async (mode) => {
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [path.join(fixtures, 'paused-stdout-exit.js'), mode], { timeout: 60_000 }, (err, out, errOut) =>
          err ? reject(new Error(`${String(err)}\n${errOut}`)) : resolve(out),
        );
      });
      // Before the fix, Node exited as soon as the loop was empty: no output at all, exit code 0.
      expect(stdout.trim()).toBe(JSON.stringify({ text: 'late data' }));
    },
    90_000,
  );

  it('never writes an empty chunk to the pipe: the reader would get a 0-byte read, end of input to many programs', async () => {
    const sizes: number[] = [];
    const spy: OverlappedPipeIo = {
      read: (handle, size, done) => io.read(handle, size, done),
      write: (handle, data, done) => {
        sizes.push(data.byteLength);
        return io.write(handle, data, done);
      },
      cancel: (request) => io.cancel(request),
      closeHandle: (handle) => io.closeHandle(handle),
      stats: () => io.stats(),
    };
    const pipe = createPipePair('in');
    const writer = createWindowsStdioOpener(spy)({ stdin: pipe.peer, stdout: 0n, stderr: 0n }).stdin as Writable;
    await new Promise((cb) => writer.write(Buffer.alloc(0), cb));
    await new Promise((cb) => writer.write('', cb));
    const first = new Promise<PipeIoResult>((resolve) => io.read(pipe.ours, 64, resolve));
    writer.end('after');
    expect(await first).toMatchObject({ status: 'ok', bytes: 5 });
    expect(sizes).toEqual([5]);
    await closed(writer);
    io.closeHandle(pipe.ours);
  });
});
