import { closeSync, createReadStream, createWriteStream, fstatSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { ReadStream as TtyReadStream, WriteStream as TtyWriteStream, isatty } from 'node:tty';
import type { ProcessStdio, RawStdioHandles, StdioOpener } from './stdio-types';

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // not ours to report: the caller gets the original error
  }
}

function toFd(handle: bigint): number | null {
  if (handle === 0n) return null;
  const fd = Number(handle);
  if (!Number.isSafeInteger(fd) || fd < 0) throw new RangeError(`stdio handle ${handle} is not a file descriptor`);
  return fd;
}

/**
 * Why EIO is end-of-stream: reading a pty master after the child side closed fails with EIO on Linux; that is how a
 * terminal says "no more output", not a failure of the process. Node's stream code reacts to a read error by
 * destroying the stream (dropping buffered data, no 'end'), so the error is turned into an end-of-data push before
 * that happens: readers see every byte, then 'end', then 'close' (the fd is released after 'end').
 */
function endOnEio(stream: Readable): Readable {
  const destroy = stream.destroy.bind(stream);
  stream.destroy = ((err?: Error, ...rest: unknown[]) => {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'EIO' && !stream.readableEnded && !stream.destroyed) {
      stream.once('end', () => destroy());
      stream.push(null);
      stream.read(0);
      return stream;
    }
    return (destroy as (...args: unknown[]) => Readable)(err, ...rest);
  }) as typeof stream.destroy;
  return stream;
}

function openReadable(fd: number): Readable {
  if (isatty(fd)) return endOnEio(new TtyReadStream(fd));
  const st = fstatSync(fd);
  // Pipes and sockets go through libuv's non-blocking stream handles: an idle pipe costs no threadpool thread
  // (design.md rule 6). Regular files cannot be polled, so they use fs streams, which only read when data exists.
  if (st.isFIFO() || st.isSocket()) return new Socket({ fd, readable: true, writable: false });
  return createReadStream('', { fd, autoClose: true });
}

function openWritable(fd: number): Writable {
  if (isatty(fd)) return new TtyWriteStream(fd);
  const st = fstatSync(fd);
  if (st.isFIFO() || st.isSocket()) return new Socket({ fd, readable: false, writable: true });
  return createWriteStream('', { fd, autoClose: true });
}

/**
 * The POSIX {@link StdioOpener}: the simulator returns file descriptors (pipes, or a pty master with
 * `EmulateConsole`), streamed with Node's own non-blocking machinery. Each stream owns and closes its fd. If
 * opening one fails, every fd not yet wrapped is closed and the error rethrown.
 */
export const openPosixStdio: StdioOpener = (handles: RawStdioHandles): ProcessStdio => {
  const fds: Record<keyof RawStdioHandles, number | null> = { stdin: null, stdout: null, stderr: null };
  let invalid: unknown;
  for (const key of ['stdin', 'stdout', 'stderr'] as const) {
    try {
      fds[key] = toFd(handles[key]);
    } catch (err) {
      invalid ??= err;
    }
  }
  if (invalid !== undefined) {
    // One value is not a descriptor: the others are still ours to close.
    for (const fd of Object.values(fds)) if (fd !== null) closeQuietly(fd);
    throw invalid;
  }
  const opened: Array<Readable | Writable> = [];
  const owned = new Set<number>();
  const wrap = <T extends Readable | Writable>(fd: number, open: (fd: number) => T): T => {
    const stream = open(fd);
    opened.push(stream);
    owned.add(fd);
    return stream;
  };
  try {
    const stdin = fds.stdin === null ? null : wrap(fds.stdin, openWritable);
    const stdout = fds.stdout === null ? null : wrap(fds.stdout, openReadable);
    const stderr = fds.stderr === null ? null : wrap(fds.stderr, openReadable);
    return { stdin, stdout, stderr };
  } catch (err) {
    for (const s of opened) s.destroy();
    for (const fd of Object.values(fds)) if (fd !== null && !owned.has(fd)) closeQuietly(fd);
    throw err;
  }
};
