/**
 * Runs a command with an emulated console (a pseudo-terminal in the simulator) and connects it to this terminal:
 * keystrokes go to the process, its output comes back, and resizing the terminal resizes the console (SIGWINCH).
 *
 *   npx tsx examples/interactive-exec.ts                  # an interactive shell (sh; cmd.exe on Windows)
 *   npx tsx examples/interactive-exec.ts -- python3 -i
 *
 * When stdin is not a terminal (a pipe), the console is not emulated and stdin is relayed as is, then closed.
 * The exit code is the command's.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { interruption } from './lib/interrupt';
import { buildSimulatorIfChosen, reportFatal, selectHcs, simulatorContainerConfig } from './lib/simulator';

function closed(stream: Readable): Promise<void> {
  return stream.closed || stream.destroyed ? Promise.resolve() : new Promise((resolve) => stream.once('close', () => resolve()));
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
  process.stderr.write(`${selectHcs()}\n`);
  buildSimulatorIfChosen();
  // Loaded only now, after the library has been chosen; require() keeps the example CommonJS like the package.
  const hcs: typeof import('../src') = require('../src');
  const onWindows = process.platform === 'win32';
  const tty = process.stdin.isTTY === true && process.stdout.isTTY === true;

  const id = randomUUID();
  await using container = await hcs.createContainer(id, simulatorContainerConfig(id, 'interactive-exec'));
  await container.start();

  // Whatever fails after the start (the process, its stdio), the container is stopped before its handle closes.
  try {
    const command = argv.length > 0 ? argv : onWindows ? ['cmd.exe'] : ['/bin/sh', '-i'];
    await using proc = await container.createProcess({
      ...(onWindows ? { CommandLine: hcs.escapeArgs(command) } : { CommandArgs: command }),
      EmulateConsole: tty,
      CreateStdInPipe: true,
      CreateStdOutPipe: true,
      // With a console, stderr is part of the terminal's output stream.
      CreateStdErrPipe: !tty,
      ...(tty ? { ConsoleSize: [process.stdout.rows, process.stdout.columns] as [number, number] } : {}),
    });
    const { stdin, stdout, stderr } = await proc.stdio();

    const onResize = () => void proc.resizeConsole(process.stdout.columns, process.stdout.rows).catch(() => undefined);
    if (tty) {
      // Raw mode: every keystroke (Ctrl-C included) goes to the process, whose console does the line editing.
      process.stdin.setRawMode(true);
      process.stdout.on('resize', onResize);
    }
    if (stdin) {
      // pipe() for backpressure (a fast producer is not buffered into memory); end: false because closeStdin() below
      // ends it. A process that stops reading (exits, or closes its stdin) makes writes fail with EPIPE: stop relaying.
      stdin.on('error', () => process.stdin.unpipe(stdin));
      process.stdin.pipe(stdin, { end: false });
    }
    // Why closeStdin() and not just stdin.end(): HCS closes the process's stdin with a CloseHandle modify request,
    // which also reaches a process whose console holds the pipe (hcsshim's CloseStdin).
    process.stdin.on('end', () => void proc.closeStdin().catch(() => undefined));
    stdout?.pipe(process.stdout, { end: false });
    stderr?.pipe(process.stderr, { end: false });

    // SIGTERM (and Ctrl-C when stdin is piped: in raw mode Ctrl-C is a keystroke for the process) ends the wait;
    // the finally blocks then stop the container.
    const stop = interruption();
    try {
      let code: number;
      try {
        code = await proc.wait({ signal: stop.signal });
      } catch (err) {
        const interrupted = stop.exitCode();
        if (interrupted === undefined) throw err;
        await proc.kill().catch(() => undefined);
        process.stderr.write(`interactive-exec: ${(stop.signal.reason as Error).message}: process killed\n`);
        return interrupted;
      }
      // Waiting for 'close' rather than stream.finished(): a console's output is a pseudo-terminal, which reports its
      // end as a read error (EIO) rather than EOF; every byte has been delivered by the time the stream closes.
      await Promise.all([stdout && closed(stdout), stderr && closed(stderr)]);
      return code;
    } finally {
      stop.dispose();
      if (tty) {
        process.stdout.off('resize', onResize);
        process.stdin.setRawMode(false);
      }
      if (stdin) process.stdin.unpipe(stdin);
      process.stdin.pause();
      await proc.close();
    }
  } finally {
    await container.terminate().catch(() => undefined);
    await container.wait().catch(() => undefined);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // stdin may still hold the loop open after the process ended.
    process.stdin.destroy();
  },
  (err: unknown) => {
    reportFatal('interactive-exec', err);
    process.stdin.destroy();
  },
);
