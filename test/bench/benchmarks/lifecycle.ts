import { execFileSync } from 'node:child_process';
import { encodeContainerConfig } from '../../../schemas';
import { createContainer } from '../../../src/index';
import { simConfig, simLibraryPath, simStats } from '../../support/sim';
import { benchMain, progress } from '../lib/child';
import { minimalContainerConfig } from '../lib/configs';
import { buildNativeHelpers } from '../lib/native-build';
import type { BenchResult } from '../lib/report';
import { median } from '../lib/stats';

/** One full lifecycle through the public API: create, start, shutdown, wait for exit, close. */
async function lifecycle(id: string): Promise<void> {
  const container = await createContainer(id, minimalContainerConfig(id));
  try {
    await container.start();
    await container.shutdown();
    await container.wait();
  } finally {
    await container.close();
  }
}

/** Runs `total` lifecycles with `inFlight` at a time; returns lifecycles per second. */
async function bindingRate(prefix: string, total: number, inFlight: number): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  const worker = async () => {
    while (next < total) await lifecycle(`${prefix}-${next++}`);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return total / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** The same lifecycles through the C client (its own process, its own simulator instance). */
function cRate(client: string, total: number, inFlight: number, delayMs: number): number {
  const config = encodeContainerConfig(minimalContainerConfig('bench-c'));
  const out = execFileSync(client, [simLibraryPath(), String(total), String(inFlight), config, String(delayMs)], {
    encoding: 'utf8',
  });
  const parsed = JSON.parse(out.trim()) as { perSec: number; errors: number };
  if (parsed.errors) throw new Error(`C client: ${parsed.errors} lifecycles failed`);
  return parsed.perSec;
}

benchMain(async (options) => {
  const helpers = buildNativeHelpers();
  // Why no completion delay: the simulator's default delay would measure its sleep, not the binding or the client.
  const delayMs = 0;
  simConfig({ CompletionDelayMs: delayMs });
  const rounds = options.quick ? 1 : 3;
  const sizes = { 1: options.quick ? 100 : 1000, 32: options.quick ? 320 : 4000 } as const;
  await bindingRate('bench-warm', 64, 8);
  const rows: BenchResult['rows'] = [];
  const summary: Record<string, number> = {};
  for (const inFlight of [1, 32] as const) {
    const binding: number[] = [];
    const native: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate the two so slow phases of the shared machine hit both alike.
      binding.push(await bindingRate(`bench-${inFlight}-${r}`, sizes[inFlight], inFlight));
      native.push(cRate(helpers.lifecycleClient, sizes[inFlight], inFlight, delayMs));
    }
    const b = median(binding);
    const c = median(native);
    progress(`lifecycle x${inFlight}: binding ${Math.round(b)}/s, C client ${Math.round(c)}/s`);
    rows.push({
      metric: `lifecycle: ${inFlight} in flight (/s)`,
      median: b,
      referenceName: 'C client',
      reference: c,
      ratio: b / c,
      ...(inFlight === 32 ? { target: '>= 0.5x', met: b / c >= 0.5 } : {}),
    });
    if (inFlight === 32) Object.assign(summary, { bindingPerSec: Math.round(b), cPerSec: Math.round(c) });
    else Object.assign(summary, { bindingSequentialPerSec: Math.round(b), cSequentialPerSec: Math.round(c) });
  }
  const stats = simStats();
  if (stats.SystemHandles !== 0 || stats.Callbacks !== 0) throw new Error(`leak after lifecycle: ${JSON.stringify(stats)}`);
  return {
    name: 'lifecycle',
    summary,
    rows,
    notes: [
      `create, start, shutdown, wait(SystemExited), close; no processes; simulator CompletionDelayMs=${delayMs}; median of ${rounds} rounds of ${sizes[1]} (x1) and ${sizes[32]} (x32) lifecycles`,
      'C client: one pthread per lifecycle in flight, condition variables for notifications (test/bench/native/lifecycle-client.c)',
    ],
  };
});
