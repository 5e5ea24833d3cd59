import { type Container, type Process, createContainer, openContainer } from '../../../src/index';
import { type SimFault, simFault, simNotify } from '../../support/sim';
import { hostProcessConfig, minimalContainerConfig } from './configs';
import type { SoakContext } from './soak-context';
import { soakPrograms } from './soak-programs';

const programs = soakPrograms();

/** A soak scenario: a short random story about one compute system. Must release everything it opens. */
export type Scenario = (ctx: SoakContext) => Promise<void>;

/** Exports a fault may target, with the modes that make sense for each (async modes need a pending call). */
const faultTargets: { Export: string; modes: NonNullable<SimFault['Mode']>[] }[] = [
  { Export: 'HcsCreateComputeSystem', modes: ['fail', 'async-fail', 'hang', 'drop', 'duplicate', 'early', 'sync-ok'] },
  { Export: 'HcsStartComputeSystem', modes: ['fail', 'async-fail', 'hang', 'drop', 'duplicate', 'early', 'exit-during', 'sync-ok'] },
  { Export: 'HcsPauseComputeSystem', modes: ['fail', 'async-fail', 'drop', 'duplicate', 'early', 'exit-during', 'sync-ok'] },
  { Export: 'HcsResumeComputeSystem', modes: ['fail', 'async-fail', 'drop', 'duplicate', 'early', 'sync-ok'] },
  { Export: 'HcsShutdownComputeSystem', modes: ['fail', 'hang', 'drop', 'duplicate', 'early'] },
  { Export: 'HcsTerminateComputeSystem', modes: ['fail', 'hang', 'duplicate', 'early'] },
  { Export: 'HcsCreateProcess', modes: ['fail', 'hang'] },
  { Export: 'HcsTerminateProcess', modes: ['fail'] },
  { Export: 'HcsGetProcessProperties', modes: ['fail'] },
  { Export: 'HcsGetComputeSystemProperties', modes: ['fail', 'hang'] },
];

const faultHresults = ['0xC0370109', '0x80370109', '0xC037010E', '0xC0370110', '0xC0370105', '0x80070005', '0x8007000E', '0x80004005'];

/** Injects one random fault (Count 1) through HcsSimControl; counts it, or counts the simulator's refusal. */
export async function injectFault(ctx: SoakContext): Promise<void> {
  const r = ctx.random;
  const target = r.pick(faultTargets);
  const mode = r.pick(target.modes);
  // Hangs stay short: each one parks a libuv pool thread (4 by default) for its whole delay.
  const request: SimFault = { Export: target.Export, Mode: mode, HResult: r.pick(faultHresults), Count: 1, DelayMs: mode === 'hang' ? r.int(10, 150) : 0 };
  try {
    await simFault(request);
    ctx.faultEpoch++;
    ctx.counters.faultsInjected++;
    ctx.bump(ctx.counters.faultsByMode, mode);
  } catch {
    ctx.counters.faultsRejectedBySimulator++;
  }
}

/** Terminates (when it may still run), waits for the exit and closes; retries once, since a fault may eat a call. */
async function release(ctx: SoakContext, container: Container | undefined, processes: Process[]): Promise<void> {
  for (const p of processes) {
    if (!p.exited) await ctx.op('cleanup kill', () => p.kill());
    await ctx.op('cleanup process close', () => p.close());
  }
  if (!container) return;
  for (let attempt = 0; attempt < 3; attempt++) {
    await ctx.op('cleanup terminate', () => container.terminate({ timeoutMs: ctx.opTimeoutMs }));
    const waited = await ctx.op('cleanup wait', () => container.waitTimeout(ctx.opTimeoutMs));
    if (waited.ok || (waited.code !== 'ERR_HCS_TIMEOUT' && waited.code !== 'hang')) break;
  }
  await ctx.op('cleanup close', () => container.close());
}

/** Creates and starts a system; returns it (started or not) or undefined when create failed. */
async function startSystem(ctx: SoakContext): Promise<{ container?: Container; started: boolean }> {
  const id = ctx.newId();
  const created = await ctx.op('create', () => createContainer(id, minimalContainerConfig(id), { timeoutMs: ctx.opTimeoutMs }));
  if (!created.ok) return { started: false };
  const started = await ctx.op('start', () => created.value.start({ timeoutMs: ctx.opTimeoutMs }));
  return { container: created.value, started: started.ok };
}

const lifecycle: Scenario = async (ctx) => {
  const { container, started } = await startSystem(ctx);
  try {
    if (!container || !started) return;
    if (ctx.random.chance(0.4)) {
      await ctx.op('pause', () => container.pause({ timeoutMs: ctx.opTimeoutMs }));
      await ctx.op('resume', () => container.resume({ timeoutMs: ctx.opTimeoutMs }));
    }
    const stop = ctx.random.chance(0.5) ? 'shutdown' : 'terminate';
    const stopped = await ctx.op(stop, () => container[stop]({ timeoutMs: ctx.opTimeoutMs }));
    if (stopped.ok) await ctx.op('wait', () => container.waitTimeout(ctx.opTimeoutMs));
    if (ctx.random.chance(0.3)) await ctx.op('shutdown again', () => container.shutdown({ timeoutMs: ctx.opTimeoutMs }));
  } finally {
    await release(ctx, container, []);
  }
};

/**
 * A process that exits with a random code, which wait() must report (or -1 after a fault). `console`: EmulateConsole
 * without CreateStdInPipe, so the binding holds a stdin pipe for it and stdio() must give no stdin; its output is read.
 */
function exitScenario(console: boolean): Scenario {
  return async (ctx) => {
    const { container, started } = await startSystem(ctx);
    const processes: Process[] = [];
    try {
      if (!container || !started) return;
      const code = ctx.random.int(0, 255);
      const epoch = ctx.faultEpoch;
      const config = console
        ? { ...hostProcessConfig(programs.exit(code), { stdout: true }), EmulateConsole: true }
        : hostProcessConfig(programs.exit(code));
      const created = await ctx.op(console ? 'createProcess console' : 'createProcess', () => container.createProcess(config));
      if (!created.ok) return;
      const proc = created.value;
      processes.push(proc);
      let exits = 0;
      proc.on('exit', () => exits++);
      if (console) {
        const stdio = await ctx.op('console stdio', () => proc.stdio());
        if (stdio.ok && stdio.value.stdin !== null) ctx.violation('a console process without CreateStdInPipe got a stdin stream');
        if (stdio.ok) stdio.value.stdout?.resume();
      }
      const waited = await ctx.op('process wait', () => proc.waitTimeout(ctx.opTimeoutMs));
      if (waited.ok && waited.value !== code && waited.value !== -1 && ctx.faultEpoch === epoch) {
        ctx.violation(`process exit code ${waited.value}, expected ${code}${console ? ' (console)' : ''}`);
      }
      if (ctx.random.chance(0.5)) await ctx.op('exitCode', () => proc.exitCode());
      await new Promise((resolve) => setImmediate(resolve));
      if (exits > 1) ctx.violation(`process emitted 'exit' ${exits} times`);
    } finally {
      await release(ctx, container, processes);
    }
  };
}

const stdioEcho: Scenario = async (ctx) => {
  const { container, started } = await startSystem(ctx);
  const processes: Process[] = [];
  try {
    if (!container || !started) return;
    const created = await ctx.op('createProcess cat', () =>
      container.createProcess(hostProcessConfig(programs.cat(), { stdin: true, stdout: true, stderr: true })),
    );
    if (!created.ok) return;
    const proc = created.value;
    processes.push(proc);
    const payload = Buffer.alloc(ctx.random.int(0, 256 * 1024), ctx.random.int(0, 255));
    const epoch = ctx.faultEpoch;
    const echoed = await ctx.op('stdio echo', async () => {
      const { stdin, stdout } = await proc.stdio();
      if (!stdin || !stdout) throw new Error('missing stdio streams');
      const chunks: Buffer[] = [];
      const done = new Promise<Buffer>((resolve, reject) => {
        stdout.on('data', (c: Buffer) => chunks.push(c));
        stdout.once('end', () => resolve(Buffer.concat(chunks)));
        stdout.once('error', reject);
      });
      stdin.end(payload);
      return done;
    });
    if (echoed.ok && !echoed.value.equals(payload) && ctx.faultEpoch === epoch) {
      ctx.violation(`stdio echo returned ${echoed.value.length} bytes, expected ${payload.length}`);
    }
    await ctx.op('closeStdin', () => proc.closeStdin());
    await ctx.op('process wait', () => proc.waitTimeout(ctx.opTimeoutMs));
  } finally {
    await release(ctx, container, processes);
  }
};

const killRace: Scenario = async (ctx) => {
  const { container, started } = await startSystem(ctx);
  const processes: Process[] = [];
  try {
    if (!container || !started) return;
    const created = await ctx.op('createProcess sleep', () =>
      container.createProcess(hostProcessConfig(ctx.random.chance(0.5) ? programs.sleep(30) : programs.exit(3))),
    );
    if (!created.ok) return;
    const proc = created.value;
    processes.push(proc);
    let exits = 0;
    proc.on('exit', () => exits++);
    await Promise.all([ctx.op('kill', () => proc.kill()), ctx.op('kill twice', () => proc.kill())]);
    await ctx.op('process wait', () => proc.waitTimeout(ctx.opTimeoutMs));
    await new Promise((resolve) => setImmediate(resolve));
    if (exits > 1) ctx.violation(`kill racing exit emitted 'exit' ${exits} times`);
  } finally {
    await release(ctx, container, processes);
  }
};

const timeoutsAndAborts: Scenario = async (ctx) => {
  const { container, started } = await startSystem(ctx);
  try {
    if (!container || !started) return;
    const timed = await ctx.op('waitTimeout', () => container.waitTimeout(ctx.random.int(1, 30)));
    if (timed.ok) ctx.violation('waitTimeout on a running system resolved');
    const ac = new AbortController();
    const aborted = ctx.op('aborted wait', () => container.wait({ signal: ac.signal }), { abortExpected: true });
    ac.abort(new Error('soak abort'));
    const outcome = await aborted;
    if (outcome.ok) ctx.violation('aborted wait resolved');
    // The handle must stay usable after both.
    await ctx.op('statistics', () => container.statistics());
  } finally {
    await release(ctx, container, []);
  }
};

const junkNotifications: Scenario = async (ctx) => {
  const { container, started } = await startSystem(ctx);
  try {
    if (!container) return;
    const types = [0, 2, 3, 4, 5, 6, 7, 8, 0xa, 0xd, 0x20000, 0x7fffffff, 0xffffffff];
    for (let i = ctx.random.int(1, 8); i > 0; i--) {
      await simNotify({ Id: container.id, Type: ctx.random.pick(types), Status: ctx.random.pick([0, -2143878903, 1]), Data: ctx.random.chance(0.5) ? '{"junk":true}' : '' });
    }
    if (started) await ctx.op('properties', () => container.properties());
    if (started) await ctx.op('processList', () => container.processList());
  } finally {
    await release(ctx, container, []);
  }
};

const closeRace: Scenario = async (ctx) => {
  const { container, started } = await startSystem(ctx);
  if (!container) return;
  const waiting = ctx.op('wait during close', () => container.wait());
  await ctx.op('close', () => container.close());
  const outcome = await waiting;
  // A start that failed (e.g. an injected exit-during) leaves an exited system, whose wait rightly settles: it
  // resolves after a normal exit and rejects with the exit error itself after an abnormal one.
  if (outcome.ok && started) ctx.violation('wait resolved on a closed, still-running system');
  else if (!outcome.ok && outcome.code !== 'ERR_HCS_ALREADY_CLOSED' && outcome.error !== container.exitError) {
    ctx.violation(`wait during close rejected with ${outcome.code}`);
  }
  const after = await ctx.op('start after close', () => container.start());
  if (after.ok || after.code !== 'ERR_HCS_ALREADY_CLOSED') ctx.violation('a call after close did not reject with ERR_HCS_ALREADY_CLOSED');
  // The system still runs in the simulator: reach it through a fresh handle and stop it.
  const reopened = await ctx.op('openContainer', () => openContainer(container.id));
  if (reopened.ok) await release(ctx, reopened.value, []);
};

const invalidInput: Scenario = async (ctx) => {
  const id = ctx.newId();
  const bad = ctx.random.pick<unknown>([
    { Name: id, Layers: [{ ID: 'not-a-guid', Path: '' }], HvPartition: false },
    { Name: '', Layers: [], HvPartition: 'yes' },
    { Name: id, Layers: [], HvPartition: false, Commandline: 'typo' },
  ]);
  const outcome = await ctx.op('create invalid', () => createContainer(id, bad as never));
  if (outcome.ok) {
    ctx.violation('an invalid config was accepted');
    await release(ctx, outcome.value, []);
  } else if (outcome.code !== 'ERR_HCS_INVALID_CONFIG') ctx.violation(`invalid config rejected with ${outcome.code}`);
};

/** The scenarios and their weights. */
export const scenarios: { name: string; weight: number; run: Scenario }[] = [
  { name: 'lifecycle', weight: 4, run: lifecycle },
  { name: 'process-exit', weight: 3, run: exitScenario(false) },
  { name: 'stdio-echo', weight: 2, run: stdioEcho },
  { name: 'console-exit', weight: 1, run: exitScenario(true) },
  { name: 'kill-race', weight: 2, run: killRace },
  { name: 'timeouts-aborts', weight: 1, run: timeoutsAndAborts },
  { name: 'junk-notifications', weight: 1, run: junkNotifications },
  { name: 'close-race', weight: 1, run: closeRace },
  { name: 'invalid-input', weight: 1, run: invalidInput },
];
