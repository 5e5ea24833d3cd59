import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { type Container, type Process, createContainer } from '../../../src/index';
import { simConfig, simStats } from '../../support/sim';
import { benchMain, progress } from '../lib/child';
import { hostProcessConfig, minimalContainerConfig } from '../lib/configs';
import { buildNativeHelpers } from '../lib/native-build';
import type { BenchResult } from '../lib/report';
import { median, round } from '../lib/stats';

interface Window {
  lagP99Ms: number;
  readFileMs: number;
  reads: number;
}

/** For `ms`, reads `file` back to back and records the event-loop delay histogram. */
async function observe(file: string, ms: number): Promise<Window> {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const durations: number[] = [];
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const t0 = process.hrtime.bigint();
    await readFile(file);
    durations.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  histogram.disable();
  return { lagP99Ms: histogram.percentile(99) / 1e6, readFileMs: median(durations), reads: durations.length };
}

/** {@link observe} while `count` producers spawned by child_process stream into Node (no binding involved). */
async function observeChildProcessStreams(file: string, ms: number, count: number, producer: string): Promise<Window> {
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const child = spawn(producer, ['4096', '1000000000', '5'], { stdio: ['ignore', 'pipe', 'ignore'] });
      child.stdout!.on('data', () => {});
      children.push(child);
    }
    return await observe(file, ms);
  } finally {
    const ended = (child: ChildProcess): Promise<void> =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill();
      });
    await Promise.all(children.map(ended));
  }
}

benchMain(async (options) => {
  const helpers = buildNativeHelpers();
  await simConfig({ CompletionDelayMs: 1 });
  const windowMs = options.quick ? 1500 : 5000;
  const count = 64;
  const dir = mkdtempSync(path.join(tmpdir(), 'hcs-bench-'));
  const file = path.join(dir, 'one-mib.bin');
  writeFileSync(file, Buffer.alloc(1024 * 1024, 7));

  const idle = await observe(file, windowMs);
  progress(`event loop idle: p99 lag ${idle.lagP99Ms.toFixed(2)} ms, readFile ${idle.readFileMs.toFixed(3)} ms`);

  const streamers: Container[] = [];
  const changers: Container[] = [];
  const processes: Process[] = [];
  let streamed = 0;
  let transitions = 0;
  let stop = false;
  try {
    for (let i = 0; i < count; i++) {
      const s = await createContainer(`bench-el-stream-${i}`, minimalContainerConfig(`bench-el-stream-${i}`));
      streamers.push(s);
      await s.start();
      const c = await createContainer(`bench-el-state-${i}`, minimalContainerConfig(`bench-el-state-${i}`));
      changers.push(c);
      await c.start();
    }
    // 4 KiB every 5 ms per process: about 50 MB/s in all, in small writes, as chatty containers produce.
    for (const s of streamers) {
      const proc = await s.createProcess(hostProcessConfig([helpers.streamProducer, '4096', '1000000000', '5'], { stdout: true }));
      processes.push(proc);
      const { stdout } = await proc.stdio();
      (stdout as Readable).on('data', (chunk: Buffer) => (streamed += chunk.length));
    }
    const streamsOnly = await observe(file, windowMs);
    progress(`event loop, streams only: p99 lag ${streamsOnly.lagP99Ms.toFixed(2)} ms, readFile ${streamsOnly.readFileMs.toFixed(3)} ms`);
    // Each system pauses and resumes every ~200 ms (jittered): about 640 state changes per second in all, steady
    // rather than a tight loop, which would only measure how fast two cores can spin.
    const loops = changers.map(async (c) => {
      while (!stop) {
        await c.pause();
        await c.resume();
        transitions += 2;
        await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 100));
      }
    });
    const streamedBefore = streamed;
    const loaded = await observe(file, windowMs);
    const streamedLoaded = streamed - streamedBefore;
    stop = true;
    await Promise.all(loops);
    progress(`event loop loaded: p99 lag ${loaded.lagP99Ms.toFixed(2)} ms, readFile ${loaded.readFileMs.toFixed(3)} ms, ${(streamedLoaded / 1e6).toFixed(1)} MB streamed, ${transitions} state changes`);
    for (const p of processes) await p.kill().catch(() => {});
    // The reference: the same 64 producers started by child_process.spawn and read by Node itself, so the slowdown
    // that 64 chatty streams cause on two cores is measured next to the binding's.
    const nodeStreams = await observeChildProcessStreams(file, windowMs, count, helpers.streamProducer);
    progress(`event loop, 64 child_process streams: p99 lag ${nodeStreams.lagP99Ms.toFixed(2)} ms, readFile ${nodeStreams.readFileMs.toFixed(3)} ms`);
    const slowdown = loaded.readFileMs / idle.readFileMs;
    const result: BenchResult = {
      name: 'eventLoop',
      summary: {
        lagP99Ms: round(loaded.lagP99Ms, 2),
        fsSlowdown: round(slowdown, 2),
        idleLagP99Ms: round(idle.lagP99Ms, 2),
        streamsOnlyLagP99Ms: round(streamsOnly.lagP99Ms, 2),
        streamsOnlyFsSlowdown: round(streamsOnly.readFileMs / idle.readFileMs, 2),
        childProcessStreamsFsSlowdown: round(nodeStreams.readFileMs / idle.readFileMs, 2),
      },
      rows: [
        { metric: 'eventLoop: p99 delay, 64 streams only (ms)', median: streamsOnly.lagP99Ms, referenceName: 'idle', reference: idle.lagP99Ms },
        {
          metric: 'eventLoop: readFile 1 MiB, 64 streams only (ms)',
          median: streamsOnly.readFileMs,
          referenceName: 'idle',
          reference: idle.readFileMs,
          ratio: streamsOnly.readFileMs / idle.readFileMs,
        },
        {
          metric: 'eventLoop: readFile 1 MiB, 64 child_process streams (ms)',
          median: nodeStreams.readFileMs,
          referenceName: 'idle',
          reference: idle.readFileMs,
          ratio: nodeStreams.readFileMs / idle.readFileMs,
        },
        { metric: 'eventLoop: p99 delay under load (ms)', median: loaded.lagP99Ms, referenceName: 'idle', reference: idle.lagP99Ms, target: '<= 20 ms', met: loaded.lagP99Ms <= 20 },
        {
          metric: 'eventLoop: readFile 1 MiB under load (ms)',
          median: loaded.readFileMs,
          referenceName: 'idle',
          reference: idle.readFileMs,
          ratio: slowdown,
          target: '<= 1.5x',
          met: slowdown <= 1.5,
        },
      ],
      notes: [
        `${count} processes streaming 4 KiB/5 ms each (${((streamedLoaded / 1e6) / (windowMs / 1000)).toFixed(1)} MB/s in all) and ${count} systems pausing/resuming every ~200 ms (${Math.round(transitions / (windowMs / 1000))} changes/s); ${windowMs} ms windows; ${loaded.reads} reads loaded vs ${idle.reads} idle`,
        'the producers and the simulator threads share the same 2 cores as the event loop: part of any slowdown is plain CPU contention',
      ],
    };
    return result;
  } finally {
    stop = true;
    for (const p of processes) await p.kill().catch(() => {});
    for (const p of processes) {
      await p.wait().catch(() => {});
      await p.close();
    }
    for (const c of [...streamers, ...changers]) {
      await c.terminate().catch(() => {});
      await c.wait().catch(() => {});
      await c.close();
    }
    rmSync(dir, { recursive: true, force: true });
    const stats = await simStats();
    if (stats.SystemHandles !== 0 || stats.LiveProcesses !== 0) progress(`event loop: leak ${JSON.stringify(stats)}`);
  }
});
