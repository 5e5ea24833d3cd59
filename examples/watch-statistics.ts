/**
 * Prints a container's statistics (memory, CPU time, process count) every interval until stopped.
 *
 *   npx tsx examples/watch-statistics.ts [--id <existing container id>] [--interval <ms>] [--samples <n>]
 *
 * Without `--id` it creates a container with a busy process in it (the simulator reports that process's real CPU
 * and memory figures), watches it, then cleans up. Ctrl-C stops the watch.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { buildSimulatorIfChosen, reportFatal, selectHcs, simulatorContainerConfig } from './lib/simulator';

function mb(bytes: number | undefined): string {
  return `${((bytes ?? 0) / (1024 * 1024)).toFixed(1)} MB`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      id: { type: 'string' },
      interval: { type: 'string', default: '1000' },
      samples: { type: 'string', default: '0' },
    },
  });
  const interval = Number(values.interval);
  const samples = Number(values.samples);
  process.stderr.write(`${selectHcs()}\n`);
  buildSimulatorIfChosen();
  // Loaded only now, after the library has been chosen; require() keeps the example CommonJS like the package.
  const hcs: typeof import('../src') = require('../src');

  const own = !values.id;
  const id = values.id ?? randomUUID();
  const container = own ? await hcs.createContainer(id, simulatorContainerConfig(id, 'watch-statistics')) : await hcs.openContainer(id);
  let busy: Awaited<ReturnType<typeof container.createProcess>> | undefined;
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  try {
    if (own) {
      await container.start();
      const argv = [process.execPath, '-e', 'const a = []; setInterval(() => { a.push(Buffer.alloc(1 << 20)); if (a.length > 64) a.shift(); for (let i = 0; i < 1e6; i++); }, 50)'];
      busy = await container.createProcess(process.platform === 'win32' ? { CommandLine: hcs.escapeArgs(argv) } : { CommandArgs: argv });
    }
    for (let n = 1; !stop.signal.aborted && (samples === 0 || n <= samples); n++) {
      const s = await container.statistics();
      const procs = await container.processList();
      const cpu = ((s.Processor?.TotalRuntime100ns ?? 0) / 1e4).toFixed(0);
      process.stdout.write(
        `#${n} memory ${mb(s.Memory?.MemoryUsageCommitBytes)} (private ${mb(s.Memory?.MemoryUsagePrivateWorkingSetBytes)}), cpu ${cpu} ms, ${procs.length} process(es), uptime ${((s.Uptime100ns ?? 0) / 1e7).toFixed(1)} s\n`,
      );
      await sleep(interval, undefined, { signal: stop.signal }).catch(() => undefined);
    }
  } finally {
    if (busy) {
      await busy.kill();
      await busy.wait();
      await busy.close();
    }
    if (own) {
      await container.terminate();
      await container.wait();
    }
    await container.close();
  }
}

main().catch((err: unknown) => reportFatal('watch-statistics', err));
