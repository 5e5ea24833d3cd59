import { execFileSync } from 'node:child_process';
import koffi from 'koffi';
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

/**
 * What koffi alone costs for the same lifecycle shape: the six exports one lifecycle calls (create, register, start,
 * shutdown, unregister, close), each a `.async` call of a C no-op, and its three notifications (CreateCompleted,
 * StartCompleted, SystemExited), each a registered callback fired from a C thread. No HCS semantics at all: the
 * floor any koffi binding that follows design.md's threading rules pays.
 */
interface FloorFunctions {
  Proto: ReturnType<typeof koffi.proto>;
  fire: (cb: unknown, ctx: bigint) => number;
  noop: { async: (cb: (err: unknown) => void) => void };
}
// Loaded once and kept: the floor library runs a thread of its own, which must never see the library unloaded.
let floorFunctions: FloorFunctions | undefined;

async function koffiFloorRate(floorLibrary: string, total: number, inFlight: number): Promise<number> {
  if (!floorFunctions) {
    const lib = koffi.load(floorLibrary);
    floorFunctions = {
      Proto: koffi.proto('void BenchLifecycleNotify(uint32_t type, void *context, int32_t status, const char16_t *data)'),
      fire: lib.func('int floor_fire(BenchLifecycleNotify *cb, void *context)') as FloorFunctions['fire'],
      noop: lib.func('int floor_noop(void)') as unknown as FloorFunctions['noop'],
    };
  }
  const { Proto, fire, noop } = floorFunctions;
  const waiting = new Map<bigint, () => void>();
  const callback = koffi.register((_t: number, ctx: bigint, _s: number, _d: string | null) => {
    const resolve = waiting.get(ctx);
    waiting.delete(ctx);
    resolve?.();
  }, koffi.pointer(Proto));
  const call = () => new Promise<void>((resolve, reject) => noop.async((err: unknown) => (err ? reject(err) : resolve())));
  const notified = (ctx: bigint) =>
    new Promise<void>((resolve, reject) => {
      waiting.set(ctx, resolve);
      if (fire(callback, ctx) !== 0) reject(new Error('floor queue full'));
    });
  // Why: koffi's foreign-thread callbacks do not keep Node alive (koffi-and-toolchain.md C.5).
  const keepAlive = setInterval(() => {}, 1000);
  let next = 0;
  const start = process.hrtime.bigint();
  try {
    await Promise.all(
      Array.from({ length: inFlight }, async (_, w) => {
        const ctx = BigInt(w + 1);
        while (next++ < total) {
          await call(); // create
          await call(); // register
          await notified(ctx); // CreateCompleted
          await call(); // start
          await notified(ctx); // StartCompleted
          await call(); // shutdown
          await notified(ctx); // SystemExited
          await call(); // unregister
          await call(); // close
        }
      }),
    );
  } finally {
    clearInterval(keepAlive);
    koffi.unregister(callback);
  }
  return total / (Number(process.hrtime.bigint() - start) / 1e9);
}

benchMain(async (options) => {
  const helpers = buildNativeHelpers();
  // Why no completion delay: the simulator's default delay would measure its sleep, not the binding or the client.
  const delayMs = 0;
  await simConfig({ CompletionDelayMs: delayMs });
  const rounds = options.quick ? 1 : 3;
  const sizes = { 1: options.quick ? 100 : 1000, 32: options.quick ? 320 : 4000 } as const;
  await bindingRate('bench-warm', 64, 8);
  const rows: BenchResult['rows'] = [];
  const summary: Record<string, number> = {};
  for (const inFlight of [1, 32] as const) {
    const binding: number[] = [];
    const native: number[] = [];
    const floor: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate the three so slow phases of the shared machine hit all alike.
      binding.push(await bindingRate(`bench-${inFlight}-${r}`, sizes[inFlight], inFlight));
      native.push(cRate(helpers.lifecycleClient, sizes[inFlight], inFlight, delayMs));
      floor.push(await koffiFloorRate(helpers.floorLibrary, sizes[inFlight], inFlight));
    }
    const b = median(binding);
    const c = median(native);
    const f = median(floor);
    progress(`lifecycle x${inFlight}: binding ${Math.round(b)}/s, C client ${Math.round(c)}/s, koffi floor ${Math.round(f)}/s`);
    rows.push({
      metric: `lifecycle: ${inFlight} in flight (/s)`,
      median: b,
      referenceName: 'C client',
      reference: c,
      ratio: b / c,
      ...(inFlight === 32 ? { target: '>= 0.5x', met: b / c >= 0.5 } : {}),
    });
    rows.push({
      metric: `lifecycle: ${inFlight} in flight vs koffi floor (/s)`,
      median: b,
      referenceName: 'koffi .async+callback',
      reference: f,
      ratio: b / f,
    });
    if (inFlight === 32) Object.assign(summary, { bindingPerSec: Math.round(b), cPerSec: Math.round(c), koffiFloorPerSec: Math.round(f) });
    else Object.assign(summary, { bindingSequentialPerSec: Math.round(b), cSequentialPerSec: Math.round(c), koffiFloorSequentialPerSec: Math.round(f) });
  }
  const stats = await simStats();
  if (stats.SystemHandles !== 0 || stats.Callbacks !== 0) throw new Error(`leak after lifecycle: ${JSON.stringify(stats)}`);
  return {
    name: 'lifecycle',
    summary,
    rows,
    notes: [
      `create, start, shutdown, wait(SystemExited), close; no processes; simulator CompletionDelayMs=${delayMs}; median of ${rounds} rounds of ${sizes[1]} (x1) and ${sizes[32]} (x32) lifecycles`,
      'C client: one pthread per lifecycle in flight, condition variables for notifications (test/bench/native/lifecycle-client.c)',
      'koffi floor: the same 6 exports as .async calls of a C no-op and the same 3 notifications as foreign-thread callbacks, no HCS work',
    ],
  };
});
