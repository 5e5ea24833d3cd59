import { execFileSync } from 'node:child_process';
import { closeSync, constants, fstatSync, mkdtempSync, openSync, promises as fsp, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { openPosixStdio } from '../../../src/core/stdio-posix';
import { describeIf, onPosix } from '../../support/lanes';

/**
 * Opens both ends of a FIFO: [readFd, writeFd]. The read side is a plain blocking fd (O_RDWR so opening does not
 * wait for a writer), as a simulator would hand it over: a blocking read on it would park a threadpool thread.
 */
function fifo(dir: string, name: string): [number, number] {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  const r = openSync(path, constants.O_RDWR);
  const w = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  return [r, w];
}

function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve, reject) => {
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

describeIf(onPosix, 'file descriptors are POSIX only')('openPosixStdio', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hcs-stdio-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('returns null for handles that were not requested', () => {
    expect(openPosixStdio({ stdin: 0n, stdout: 0n, stderr: 0n })).toEqual({ stdin: null, stdout: null, stderr: null });
  });

  it('round-trips binary data through a pipe: stdin writes arrive on the other end and end closes the fd', async () => {
    const [r, w] = fifo(dir, 'p');
    const { stdin } = openPosixStdio({ stdin: BigInt(w), stdout: 0n, stderr: 0n });
    const { stdout } = openPosixStdio({ stdin: 0n, stdout: BigInt(r), stderr: 0n });
    const payload = Buffer.alloc(256 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31) & 0xff;
    const got = (() => {
      const chunks: Buffer[] = [];
      let n = 0;
      return new Promise<Buffer>((resolve) => {
        stdout!.on('data', (c: Buffer) => {
          chunks.push(c);
          n += c.length;
          if (n >= payload.length) resolve(Buffer.concat(chunks));
        });
      });
    })();
    stdin!.end(payload);
    expect((await got).equals(payload)).toBe(true);
    stdout!.destroy();
  });

  it('delivers all data before end when the writer closes first', async () => {
    const path = join(dir, 'q');
    execFileSync('mkfifo', [path]);
    const r = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const w = openSync(path, constants.O_WRONLY);
    const { stdout } = openPosixStdio({ stdin: 0n, stdout: BigInt(r), stderr: 0n });
    const done = collect(stdout!);
    writeFileSync(w, 'hello\nworld\n');
    closeSync(w);
    expect((await done).toString()).toBe('hello\nworld\n');
  });

  it('16 idle stdout pipes do not slow fs.promises.readFile (no threadpool thread parked per pipe)', async () => {
    const file = join(dir, 'f');
    writeFileSync(file, 'x'.repeat(1024));
    const streams: Readable[] = [];
    for (let i = 0; i < 16; i++) {
      const [r] = fifo(dir, `idle${i}`);
      const { stdout } = openPosixStdio({ stdin: 0n, stdout: BigInt(r), stderr: 0n });
      stdout!.on('data', () => {});
      streams.push(stdout!);
    }
    const started = performance.now();
    for (let i = 0; i < 20; i++) await fsp.readFile(file);
    const elapsed = performance.now() - started;
    for (const s of streams) s.destroy();
    expect(elapsed).toBeLessThan(1000);
  });

  it('a handle that is not a descriptor is refused and the other descriptors are closed, not leaked', () => {
    const [r1, w1] = fifo(dir, 'bad1');
    const [r2, w2] = fifo(dir, 'bad2');
    closeSync(w1);
    closeSync(w2);
    expect(() => openPosixStdio({ stdin: BigInt(r1), stdout: -5n, stderr: BigInt(r2) })).toThrow(RangeError);
    for (const fd of [r1, r2]) expect(() => fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
