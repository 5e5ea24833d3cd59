import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createContainer } from '../../../src/index';
import { simConfig, simStats } from '../../support/sim';
import { benchMain, progress } from '../lib/child';
import { hostProcessConfig, minimalContainerConfig } from '../lib/configs';
import { buildNativeHelpers } from '../lib/native-build';
import type { BenchResult } from '../lib/report';
import { median, round } from '../lib/stats';

const chunkBytes = 64 * 1024;

/** Reads `stream` to its end; resolves with the byte count. */
function drain(stream: Readable): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => (bytes += chunk.length));
    stream.once('end', () => resolve(bytes));
    stream.once('error', reject);
  });
}

/** MB/s (10^6 bytes) of `chunks` x 64 KiB read by Node from child_process.spawn of the producer. */
async function childProcessRate(producer: string, chunks: number): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(producer, [String(chunkBytes), String(chunks)], { stdio: ['ignore', 'pipe', 'ignore'] });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const bytes = await drain(child.stdout);
  await exited;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (bytes !== chunkBytes * chunks) throw new Error(`child_process: read ${bytes} bytes`);
  return bytes / 1e6 / seconds;
}

/** MB/s of the same producer run as a simulated container process, read through Process.stdio(). */
async function bindingRate(container: Awaited<ReturnType<typeof createContainer>>, producer: string, chunks: number) {
  const start = process.hrtime.bigint();
  const proc = await container.createProcess(hostProcessConfig([producer, String(chunkBytes), String(chunks)], { stdout: true }));
  try {
    const { stdout } = await proc.stdio();
    if (!stdout) throw new Error('no stdout stream');
    const [bytes, code] = await Promise.all([drain(stdout), proc.wait()]);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (bytes !== chunkBytes * chunks || code !== 0) throw new Error(`binding: read ${bytes} bytes, exit ${code}`);
    return bytes / 1e6 / seconds;
  } finally {
    await proc.close();
  }
}

benchMain(async (options) => {
  const helpers = buildNativeHelpers();
  await simConfig({ CompletionDelayMs: 0 });
  const totalBytes = options.quick ? 64 * 1024 * 1024 : 1024 * 1024 * 1024;
  const chunks = totalBytes / chunkBytes;
  const rounds = options.quick ? 1 : 3;
  const container = await createContainer('bench-stdio', minimalContainerConfig('bench-stdio'));
  const binding: number[] = [];
  const reference: number[] = [];
  try {
    await container.start();
    await bindingRate(container, helpers.streamProducer, 256); // warm-up
    for (let r = 0; r < rounds; r++) {
      binding.push(await bindingRate(container, helpers.streamProducer, chunks));
      reference.push(await childProcessRate(helpers.streamProducer, chunks));
    }
    await container.shutdown();
    await container.wait();
  } finally {
    await container.close();
  }
  const stats = await simStats();
  if (stats.ProcessHandles !== 0 || stats.LiveProcesses !== 0) throw new Error(`leak after stdio: ${JSON.stringify(stats)}`);
  const b = median(binding);
  const c = median(reference);
  progress(`stdio: binding ${b.toFixed(0)} MB/s, child_process ${c.toFixed(0)} MB/s`);
  const result: BenchResult = {
    name: 'stdio',
    summary: { bindingMBps: round(b, 1), childProcessMBps: round(c, 1) },
    rows: [
      {
        metric: `stdio: ${totalBytes / 2 ** 20} MiB stdout -> JS (MB/s)`,
        median: b,
        referenceName: 'child_process.spawn',
        reference: c,
        ratio: b / c,
        target: '>= 0.8x',
        met: b / c >= 0.8,
      },
    ],
    notes: [`median of ${rounds} alternating rounds; producer writes 64 KiB chunks (test/bench/native/stream-producer.c); MB = 10^6 bytes; times include process start and exit`],
  };
  return result;
});
