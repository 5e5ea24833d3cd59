import { createHash } from 'node:crypto';
import { nodeProcess, readAll, startedContainer, stopAndClose, useSimulatorHygiene, within } from '../support/integration';
import { itIf, onPosix } from '../support/lanes';
import * as api from '../../src';

const hygiene = useSimulatorHygiene();

const ECHO = 'process.stdin.pipe(process.stdout)';

function pattern(size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + 7) & 0xff;
  return buf;
}

describe('Process stdio round trips', () => {
  it('echoes binary data with all 256 byte values through stdin and stdout', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, ECHO)));
    const { stdin, stdout } = await proc.stdio();
    const input = Buffer.concat(Array.from({ length: 64 }, (_, round) => Buffer.from(Array.from({ length: 256 }, (_, b) => (b + round) & 0xff))));
    const out = readAll(stdout);
    stdin!.end(input);
    expect((await out).equals(input)).toBe(true);
    await expect(proc.wait()).resolves.toBe(0);
    await proc.close();
    await stopAndClose(container);
  });

  it('answers line by line before stdin is closed (interactive echo)', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(
          api,
          "process.stdin.setEncoding('utf8'); process.stdin.on('data', (d) => process.stdout.write(d.toUpperCase())); process.stdin.on('end', () => process.exit(3));",
        ),
      ),
    );
    const { stdin, stdout } = await proc.stdio();
    stdout!.setEncoding('utf8');
    const ask = (line: string) =>
      new Promise<string>((resolve) => {
        stdout!.once('data', (d: string) => resolve(d));
        stdin!.write(line);
      });
    expect(await ask('hello\n')).toBe('HELLO\n');
    expect(await ask('again\n')).toBe('AGAIN\n');
    await proc.closeStdin();
    await expect(proc.wait()).resolves.toBe(3);
    await proc.close();
    await stopAndClose(container);
  });

  it('streams 50 MB through stdout intact (sha256)', async () => {
    const container = await startedContainer(api, hygiene);
    const script = [
      'const b = Buffer.alloc(1 << 20);',
      'for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 0xff;',
      'let n = 0;',
      "function go() { while (n < 50) { n++; if (!process.stdout.write(b)) { process.stdout.once('drain', go); return; } } }",
      'go();',
    ].join(' ');
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, script, { CreateStdInPipe: false })));
    const { stdout } = await proc.stdio();
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of stdout!) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    const expected = createHash('sha256');
    const mb = pattern(1 << 20);
    for (let i = 0; i < 50; i++) expected.update(mb);
    expect(size).toBe(50 << 20);
    expect(hash.digest('hex')).toBe(expected.digest('hex'));
    await expect(proc.wait()).resolves.toBe(0);
    await proc.close();
    await stopAndClose(container);
  }, 120_000);

  it('keeps interleaved stdout and stderr apart and complete', async () => {
    const container = await startedContainer(api, hygiene);
    const script =
      "for (let i = 0; i < 200; i++) { process.stdout.write('out' + i + '\\n'); process.stderr.write('err' + i + '\\n'); }";
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, script, { CreateStdInPipe: false })));
    const { stdin, stdout, stderr } = await proc.stdio();
    expect(stdin).toBeNull();
    const [out, err] = await Promise.all([readAll(stdout), readAll(stderr)]);
    const lines = (prefix: string) => Array.from({ length: 200 }, (_, i) => `${prefix}${i}\n`).join('');
    expect(out.toString()).toBe(lines('out'));
    expect(err.toString()).toBe(lines('err'));
    await expect(proc.wait()).resolves.toBe(0);
    await proc.close();
    await stopAndClose(container);
  });

  it('delivers all output before end even when the exit event comes first', async () => {
    const container = await startedContainer(api, hygiene);
    // Small enough to sit in the pipe while nobody reads, so the process can exit with its output unread.
    const size = 40 * 1024;
    const script = `process.stdout.write(Buffer.alloc(${size}, 0x61), () => process.exit(9));`;
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, script, { CreateStdInPipe: false })));
    const { stdout } = await proc.stdio();
    stdout!.pause();
    await expect(proc.wait()).resolves.toBe(9);
    const out = await readAll(stdout);
    expect(out.length).toBe(size);
    expect(out.every((b) => b === 0x61)).toBe(true);
    await proc.close();
    await stopAndClose(container);
  });

  it('loses nothing when a large write races the exit notification', async () => {
    const container = await startedContainer(api, hygiene);
    const size = 4 << 20;
    const script = `process.stdout.write(Buffer.alloc(${size}, 0x62), () => process.exit(0));`;
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, script, { CreateStdInPipe: false })));
    const { stdout } = await proc.stdio();
    const events: string[] = [];
    proc.once('exit', () => events.push('exit'));
    stdout!.once('end', () => events.push('end'));
    const out = await readAll(stdout);
    await proc.wait();
    expect(out.length).toBe(size);
    expect(out.every((b) => b === 0x62)).toBe(true);
    expect(events.sort()).toEqual(['end', 'exit']);
    await proc.close();
    await stopAndClose(container);
  });

  it('closeStdin() ends every stdin stream stdio() handed out, so the process sees the end of its input', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, "let n = 0; process.stdin.on('data', (d) => (n += d.length)); process.stdin.on('end', () => process.exit(10 + n));"),
      ),
    );
    const first = await proc.stdio();
    // HcsGetProcessInfo: a second stdin pipe on Linux, as on real hosts (the Windows simulator gives none).
    const second = await proc.stdio();
    first.stdin!.write('ab');
    second.stdin?.write('cde');
    await proc.closeStdin();
    expect([first.stdin!.writableEnded, second.stdin?.writableEnded ?? true]).toEqual([true, true]);
    const exited = proc.wait();
    expect(await within(exited, 10_000)).toBe('done');
    await expect(exited).resolves.toBe(10 + 2 + (second.stdin ? 3 : 0));
    await proc.close();
    await stopAndClose(container);
  });

  it('gives null streams for pipes that were not requested', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, 'process.exit(0)', { CreateStdInPipe: false, CreateStdOutPipe: false, CreateStdErrPipe: false }),
      ),
    );
    await expect(proc.stdio()).resolves.toEqual({ stdin: null, stdout: null, stderr: null });
    await proc.wait();
    await proc.close();
    await stopAndClose(container);
  });

  itIf(onPosix, 'needs a POSIX pty')('resizeConsole() changes the pseudo-terminal size the process sees', async () => {
    const container = await startedContainer(api, hygiene);
    const script = [
      "console.log('size ' + process.stdout.columns + 'x' + process.stdout.rows);",
      "process.stdout.on('resize', () => { console.log('size ' + process.stdout.columns + 'x' + process.stdout.rows); if (process.stdout.columns === 100) process.exit(0); });",
      'setTimeout(() => process.exit(1), 15000);',
    ].join(' ');
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, script, { EmulateConsole: true, CreateStdErrPipe: false, ConsoleSize: [24, 80] } as never),
      ),
    );
    const { stdout } = await proc.stdio();
    stdout!.setEncoding('utf8');
    // One accumulating listener for the whole test: output that arrives while we await resizeConsole() must not be
    // lost between two waits.
    let text = '';
    const waiters: Array<() => void> = [];
    stdout!.on('data', (d: string) => {
      text += d;
      for (const w of waiters.splice(0)) w();
    });
    const seen = (pattern: RegExp) =>
      new Promise<void>((resolve) => {
        const check = () => (pattern.test(text) ? resolve() : waiters.push(check));
        check();
      });
    await seen(/size \d+x\d+/);
    await proc.resizeConsole(100, 40);
    await seen(/size 100x40/);
    await expect(proc.wait()).resolves.toBe(0);
    await proc.close();
    await stopAndClose(container);
  });


  itIf(onPosix, 'needs a POSIX pty')('a console process\'s output ends cleanly after it exits (a pty gives EIO, not EOF)', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, "process.stdout.write('console says hi\\n'); setTimeout(() => process.exit(4), 100);", {
          EmulateConsole: true,
          CreateStdErrPipe: false,
          ConsoleSize: [25, 80],
        } as never),
      ),
    );
    const { stdout } = await proc.stdio();
    const events: string[] = [];
    let text = '';
    stdout!.setEncoding('utf8');
    stdout!.on('data', (d: string) => (text += d));
    stdout!.on('error', (e: NodeJS.ErrnoException) => events.push(`error ${e.code}`));
    const closed = new Promise<void>((resolve) => stdout!.on('close', () => resolve()));
    stdout!.on('end', () => events.push('end'));
    await expect(proc.wait()).resolves.toBe(4);
    expect(await within(closed, 5000)).toBe('done');
    expect(text).toMatch(/console says hi/);
    // 'end' (not an EIO error, not a bare 'close'): readers using for-await or stream.finished() see a normal end.
    expect(events).toEqual(['end']);
    await proc.close();
    await stopAndClose(container);
  });

  it('a console process created without CreateStdInPipe runs to its own exit (ConPTY start-up race)', async () => {
    // The simulator ends a console process given no stdin handle at once with 0xC000013A, as ConPTY does on real
    // hosts most of the time; the binding asks for a stdin pipe anyway and keeps it to itself.
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, "process.stdout.write('no stdin asked for\\n'); setTimeout(() => process.exit(5), 200);", {
          EmulateConsole: true,
          CreateStdInPipe: false,
          CreateStdErrPipe: false,
        }),
      ),
    );
    const first = await proc.stdio();
    const again = await proc.stdio(); // HcsGetProcessInfo: a fresh copy of the held pipe must not leak out either
    expect([first.stdin, first.stderr, again.stdin, again.stderr]).toEqual([null, null, null, null]);
    again.stdout!.destroy();
    const text = readAll(first.stdout);
    await expect(proc.wait()).resolves.toBe(5);
    expect((await text).toString('utf8')).toMatch(/no stdin asked for/);
    await proc.close();
    await stopAndClose(container);
  });
});
