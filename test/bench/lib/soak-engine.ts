import koffi from 'koffi';
import { createContainer } from '../../../src/index';
import { runtime } from '../../../src/api/runtime';
import { simConfig, simDisconnect, simReset, simStats } from '../../support/sim';
import { minimalContainerConfig } from './configs';
import { memoryTrimmed } from './memory';
import { Random, type SoakCounters, SoakContext } from './soak-context';
import { injectFault, scenarios } from './soak-scenarios';

/** How a soak run is shaped. */
export interface SoakOptions {
  /** Scenarios to run (each a few operations on one compute system). */
  iterations: number;
  /** Scenarios in flight at once (up to 64). */
  concurrency: number;
  /** Seed of the random choices; printed so a failure can be replayed. */
  seed: number;
  /** Timeout passed to every operation that takes one (ms). */
  opTimeoutMs: number;
  /** How long past that an operation may take before it counts as a hang (ms; default 5000). */
  hangGraceMs?: number;
  /** Probability of injecting a fault before a scenario. */
  faultRate: number;
  /** Run a ServiceDisconnect phase every this many scenarios (0 = never). */
  disconnectEvery: number;
  /** Progress output. */
  log?: (line: string) => void;
}

/** The outcome of a soak run; {@link SoakReport.violations} empty means every invariant held. */
export interface SoakReport extends SoakCounters {
  seed: number;
  iterations: number;
  seconds: number;
  unhandledRejections: number;
  uncaughtExceptions: number;
  finalStats: Record<string, number>;
  registryEntries: number;
  koffiCallbacks: { baseline: number; end: number };
  bindingCallbacks: { baseline: number; end: number };
  /**
   * RSS after a full GC and glibc's malloc_trim (`trimmed` false where there is none); `untrimmedGrowth` is the
   * growth read without trimming, which also counts the free memory malloc arenas keep.
   */
  rssMB: { start: number; end: number; growth: number; untrimmedGrowth: number; trimmed: boolean };
}

/** The simulator counters that must be zero once everything is closed. */
export const leakCounters = ['SystemHandles', 'ProcessHandles', 'Callbacks', 'LiveProcesses', 'InvalidHandles'] as const;

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Service disconnect: every pending wait fails with ERR_HCS_SERVICE_DISCONNECT and later calls fail fast. */
/**
 * Waits (up to 10 s: closing is asynchronous in the simulator too, with reapers and a dispatcher) for every leak
 * counter to read 0, reports each that does not as a violation, and returns the last statistics read.
 */
async function checkNoLeaks(ctx: SoakContext, when: string): Promise<Record<string, number>> {
  let stats = (await simStats()) as unknown as Record<string, number>;
  for (let waited = 0; waited < 10_000 && leakCounters.some((k) => stats[k] !== 0); waited += 50) {
    await settle(50);
    stats = (await simStats()) as unknown as Record<string, number>;
  }
  for (const k of leakCounters) if (stats[k] !== 0) ctx.violation(`simulator ${k} = ${stats[k]} ${when}`);
  return stats;
}

async function disconnectPhase(ctx: SoakContext, delayMs: number): Promise<void> {
  // Why check first: the Reset at the end of this phase zeroes every counter, so a leak (or a call with a closed
  // handle) in the scenarios since the last phase would otherwise never be seen.
  await checkNoLeaks(ctx, 'before a disconnect phase');
  const opened = [];
  for (let i = 0; i < 2; i++) {
    const id = ctx.newId();
    const created = await ctx.op('create before disconnect', () => createContainer(id, minimalContainerConfig(id), { timeoutMs: ctx.opTimeoutMs }));
    if (!created.ok) continue;
    await ctx.op('start before disconnect', () => created.value.start({ timeoutMs: ctx.opTimeoutMs }));
    opened.push(created.value);
  }
  const waits = opened.map((c) => ctx.op('wait across disconnect', () => c.wait()));
  await simDisconnect();
  ctx.faultEpoch++;
  ctx.counters.faultsInjected++;
  ctx.bump(ctx.counters.faultsByMode, 'disconnect');
  for (const outcome of await Promise.all(waits)) {
    if (outcome.ok) ctx.violation('a wait resolved across a service disconnect');
    else if (outcome.code !== 'ERR_HCS_SERVICE_DISCONNECT') ctx.violation(`a wait across a disconnect rejected with ${outcome.code}`);
  }
  for (const c of opened) {
    const later = await ctx.op('call after disconnect', () => c.statistics());
    if (later.ok) ctx.violation('a call on a disconnected handle succeeded');
  }
  const id = ctx.newId();
  const fresh = await ctx.op('create while disconnected', () => createContainer(id, minimalContainerConfig(id), { timeoutMs: ctx.opTimeoutMs }));
  if (fresh.ok) {
    ctx.violation('create succeeded while the service was disconnected');
    opened.push(fresh.value);
  }
  for (const c of opened) await ctx.op('close after disconnect', () => c.close());
  await simReset();
  await simConfig({ CompletionDelayMs: delayMs, ShutdownGraceMs: 200 });
}

function pickScenario(ctx: SoakContext) {
  const total = scenarios.reduce((sum, s) => sum + s.weight, 0);
  let roll = ctx.random.next() * total;
  for (const s of scenarios) {
    roll -= s.weight;
    if (roll < 0) return s;
  }
  return scenarios[0]!;
}

/**
 * Runs random scenarios (lifecycle, processes, stdio, kills, timeouts, aborts, junk notifications, close races,
 * invalid input) with random simulator faults, `concurrency` at a time, then checks that everything was released:
 * simulator handles, callbacks and processes at zero, the binding's registry empty, koffi's callback count at its
 * baseline. Never throws for a broken invariant: it reports it in `violations`.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const prefix = `soak-${options.seed}-${process.pid}`;
  const ctx = new SoakContext(new Random(options.seed), options.opTimeoutMs, prefix, options.hangGraceMs);
  let unhandledRejections = 0;
  let uncaughtExceptions = 0;
  const onRejection = (reason: unknown) => {
    unhandledRejections++;
    ctx.violation(`unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}`.slice(0, 300));
  };
  const onException = (err: Error) => {
    uncaughtExceptions++;
    ctx.violation(`uncaught exception: ${err.message}`.slice(0, 300));
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  const delayMs = 1;
  const started = Date.now();
  try {
    await simReset();
    // A short shutdown grace: soak scenarios shut down systems with running processes, and 2 s each adds up.
    await simConfig({ CompletionDelayMs: delayMs, ShutdownGraceMs: 200 });
    // Warm-up without faults: loads koffi and the library and registers the one notification callback (and, on
    // Windows, the one for overlapped pipe I/O, on first use of stdio), so baselines are real.
    for (const name of ['lifecycle', 'stdio-echo']) await scenarios.find((s) => s.name === name)!.run(ctx);
    await settle(50);
    const koffiBaseline = koffi.stats().callbacks;
    const bindingBaseline = runtime().api.registeredCallbackCount();
    const rssStart = memoryTrimmed();

    let next = 0;
    let active = 0;
    let gate: Promise<void> | undefined;
    let lastLog = Date.now();
    const worker = async () => {
      for (;;) {
        while (gate) await gate;
        const i = next++;
        if (i >= options.iterations) return;
        if (options.disconnectEvery > 0 && i > 0 && i % options.disconnectEvery === 0) {
          let open!: () => void;
          gate = new Promise<void>((resolve) => (open = resolve));
          while (active > 0) await settle(5);
          try {
            await disconnectPhase(ctx, delayMs);
          } finally {
            gate = undefined;
            open();
          }
        }
        active++;
        try {
          if (ctx.random.chance(options.faultRate)) await injectFault(ctx);
          const scenario = pickScenario(ctx);
          ctx.bump(ctx.counters.scenarios, scenario.name);
          await scenario.run(ctx);
        } catch (err) {
          ctx.violation(`scenario threw: ${err instanceof Error ? err.message : String(err)}`.slice(0, 300));
        } finally {
          active--;
        }
        if (Date.now() - lastLog > 5000) {
          lastLog = Date.now();
          log(`soak: ${i + 1}/${options.iterations} scenarios, ${ctx.counters.operations} operations, ${ctx.counters.faultsInjected} faults`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(64, options.concurrency)) }, worker));

    const stats = await checkNoLeaks(ctx, 'at the end');
    const registryEntries = runtime().registry.size;
    if (registryEntries !== 0) ctx.violation(`binding registry holds ${registryEntries} entries at the end`);
    const koffiEnd = koffi.stats().callbacks;
    const bindingEnd = runtime().api.registeredCallbackCount();
    if (koffiEnd !== koffiBaseline) ctx.violation(`koffi callbacks ${koffiEnd}, baseline ${koffiBaseline}`);
    if (bindingEnd !== bindingBaseline) ctx.violation(`binding callbacks ${bindingEnd}, baseline ${bindingBaseline}`);
    const rssEnd = memoryTrimmed();
    const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
    return {
      ...ctx.counters,
      seed: options.seed,
      iterations: options.iterations,
      seconds: (Date.now() - started) / 1000,
      unhandledRejections,
      uncaughtExceptions,
      finalStats: stats,
      registryEntries,
      koffiCallbacks: { baseline: koffiBaseline, end: koffiEnd },
      bindingCallbacks: { baseline: bindingBaseline, end: bindingEnd },
      rssMB: {
        start: mb(rssStart.trimmedRss),
        end: mb(rssEnd.trimmedRss),
        growth: mb(rssEnd.trimmedRss - rssStart.trimmedRss),
        untrimmedGrowth: mb(rssEnd.rss - rssStart.rss),
        trimmed: rssStart.trimmed && rssEnd.trimmed,
      },
    };
  } finally {
    // Late rejections (e.g. a notification after a timeout) would surface on the next turns: wait a little first.
    await settle(50);
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  }
}
