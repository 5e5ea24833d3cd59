import koffi from 'koffi';
import { createContainer } from '../../../src/index';
import { runtime } from '../../../src/api/runtime';
import { simConfig, simNotify, simStats } from '../../support/sim';
import { benchMain, progress } from '../lib/child';
import { hostProcessConfig, minimalContainerConfig } from '../lib/configs';
import { buildNativeHelpers } from '../lib/native-build';
import type { BenchResult } from '../lib/report';
import { round, summarize } from '../lib/stats';

const nsToUs = (ns: bigint) => Number(ns) / 1000;

/**
 * The floor: a bare koffi registered callback fired from a C thread, with the timestamp taken in C just before the
 * call, and the time read in JS after the promise the callback resolves has been awaited — the same two points the
 * binding's measurement uses.
 */
// Loaded once and kept: the floor library runs a thread of its own, which must never see the library unloaded.
let floorLib: { Proto: ReturnType<typeof koffi.proto>; lib: ReturnType<typeof koffi.load> } | undefined;

async function measureFloor(floorLibrary: string, iterations: number, before?: () => Promise<unknown>): Promise<number[]> {
  floorLib ??= {
    lib: koffi.load(floorLibrary),
    Proto: koffi.proto('void BenchFloorNotify(uint32_t type, void *context, int32_t status, const char16_t *data)'),
  };
  const { lib, Proto } = floorLib;
  const fire = lib.func('int floor_fire(BenchFloorNotify *cb, void *context)');
  const lastNs = lib.func('uint64_t floor_last_ns(void)');
  const nowNs = lib.func('uint64_t floor_now_ns(void)');
  const setDelay = lib.func('void floor_set_delay_us(long us)');
  // Why a delay: the binding's samples start from a process exiting while JS sits idle in its event loop; firing
  // at once would instead catch JS still finishing the turn that called floor_fire().
  setDelay(2000);
  // Why: the subtraction below is only meaningful if C's CLOCK_MONOTONIC and libuv's hrtime are the same clock.
  const skew = Number(BigInt(nowNs()) - process.hrtime.bigint());
  if (Math.abs(skew) > 1e6) throw new Error(`C and JS monotonic clocks differ by ${skew} ns`);
  let resolveNext: (data: string | null) => void = () => {};
  const callback = koffi.register((_type: number, _ctx: unknown, _status: number, data: string | null) => {
    resolveNext(data);
  }, koffi.pointer(Proto));
  const samples: number[] = [];
  // Why: koffi's foreign-thread callbacks do not keep Node alive (koffi-and-toolchain.md C.5); without a ref'd
  // handle, awaiting the callback's promise lets the process exit.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    for (let i = 0; i < iterations; i++) {
      await before?.();
      const done = new Promise<string | null>((resolve) => (resolveNext = resolve));
      if (fire(callback, null) !== 0) throw new Error('floor_fire failed');
      await done;
      const end = process.hrtime.bigint();
      samples.push(nsToUs(end - BigInt(lastNs())));
    }
  } finally {
    setDelay(0);
    clearInterval(keepAlive);
    koffi.unregister(callback);
  }
  return samples;
}

/**
 * Diagnostic, not the target's reference: the same bare callback, but each sample preceded by the binding sample's
 * own work (create a process in a container, close its handle), so JS wakes up as cold as it does for the binding.
 * How far this lands from the idle floor shows how much of the binding's time is the machine, not the binding.
 */
async function measureFloorAfterWork(floorLibrary: string, iterations: number): Promise<number[]> {
  const id = 'bench-notify-floor-work';
  const container = await createContainer(id, minimalContainerConfig(id));
  try {
    await container.start();
    const config = hostProcessConfig(['/bin/sleep', '5']);
    return await measureFloor(floorLibrary, iterations, async () => {
      const proc = await container.createProcess(config);
      await proc.close();
    });
  } finally {
    await container.terminate().catch(() => {});
    await container.wait().catch(() => {});
    await container.close();
  }
}

/** Per sample: C stamp -> wait() resolved, and the split at the moment the binding's listener was entered. */
interface BindingSample {
  totalUs: number;
  hopUs: number;
  jsUs: number;
}

/**
 * Wraps the listener the binding installs on its FFI layer, to note when ProcessExited reaches JS. Diagnostic only:
 * it splits the total into koffi's thread hop and the binding's own JavaScript.
 */
function watchListenerEntry(): () => bigint {
  let entered = 0n;
  const api = runtime().api;
  const install = api.setNotificationListener.bind(api);
  api.setNotificationListener = (listener) =>
    install((type, context, status, data) => {
      if (type >>> 0 === 0x10000) entered = process.hrtime.bigint();
      listener(type, context, status, data);
    });
  return () => entered;
}

type Trigger = 'simulator' | 'real-exit';

/**
 * The binding. `simulator`: the simulator fires ProcessExited at an open process from its dispatcher thread
 * (HcsSimControl Notify, 2 ms after the request, so JS is idle in its event loop), with a ProcessStatus document as
 * data, as for a real exit. `real-exit`: a real host process ends and the simulator reports it; this adds the OS's
 * process teardown and the simulator's reaper thread competing for the same two cores. Either way C stamps
 * ProcessExited just before the callback and JS reads the clock when `wait()` resolves.
 */
let stampLib: ReturnType<typeof koffi.load> | undefined;

async function measureBinding(stampLibrary: string, iterations: number, trigger: Trigger, listenerEntry: () => bigint) {
  stampLib ??= koffi.load(stampLibrary);
  const stamp = stampLib;
  const lastExitedNs = stamp.func('uint64_t stamp_last_exited_ns(void)');
  const exitedCount = stamp.func('uint64_t stamp_exited_count(void)');
  const id = `bench-notify-${trigger}`;
  const container = await createContainer(id, minimalContainerConfig(id));
  const samples: BindingSample[] = [];
  let discarded = 0;
  try {
    await container.start();
    // Why sleep: for a real exit, wait() must be called before the exit happens, or the sample would measure our
    // own scheduling; 50 ms leaves a margin after createProcess returns on a busy machine. For the simulator
    // trigger the process outlives the sample and is ended by terminate() below.
    const config = hostProcessConfig(['/bin/sleep', trigger === 'real-exit' ? '0.05' : '5']);
    for (let i = 0; i < iterations; i++) {
      const proc = await container.createProcess(config);
      const before = BigInt(exitedCount());
      const calledAt = process.hrtime.bigint();
      if (trigger === 'simulator') {
        const data = JSON.stringify({ ProcessId: proc.pid, Exited: true, ExitCode: 0, LastWaitResult: 0 });
        await simNotify({ Id: id, Pid: proc.pid, Type: 0x10000, Status: 0, Data: data, DelayMs: 2 });
      }
      await proc.wait();
      const end = process.hrtime.bigint();
      const stampedAt = BigInt(lastExitedNs());
      const entered = listenerEntry();
      if (BigInt(exitedCount()) === before + 1n && stampedAt > calledAt && entered >= stampedAt) {
        samples.push({ totalUs: nsToUs(end - stampedAt), hopUs: nsToUs(entered - stampedAt), jsUs: nsToUs(end - entered) });
      } else discarded++;
      await proc.close();
    }
    await container.terminate();
    await container.wait();
  } finally {
    await container.close();
  }
  if (discarded) progress(`notify (${trigger}): ${discarded} samples discarded (exit before wait() or an extra exit)`);
  return samples;
}

benchMain(async (options) => {
  const helpers = buildNativeHelpers();
  if (!helpers.stampLibrary) throw new Error('the simulator is not built (npm run build:sim)');
  if (process.env.HCS_VMCOMPUTE_DLL !== helpers.stampLibrary) throw new Error('run through test/bench/run.ts (HCS_VMCOMPUTE_DLL)');
  const iterations = options.quick ? 60 : 300;
  await simConfig({ CompletionDelayMs: 0 });
  const listenerEntry = watchListenerEntry();
  // Interleaved in blocks so that slow phases of the shared machine hit all four alike.
  const floorSamples: number[] = [];
  const workedFloorSamples: number[] = [];
  const simSamples: BindingSample[] = [];
  const realSamples: BindingSample[] = [];
  const blocks = options.quick ? 1 : 3;
  for (let b = 0; b < blocks; b++) {
    floorSamples.push(...(await measureFloor(helpers.floorLibrary, iterations / blocks)));
    workedFloorSamples.push(...(await measureFloorAfterWork(helpers.floorLibrary, iterations / blocks)));
    simSamples.push(...(await measureBinding(helpers.stampLibrary, iterations / blocks, 'simulator', listenerEntry)));
    realSamples.push(...(await measureBinding(helpers.stampLibrary, Math.round(iterations / blocks / 2), 'real-exit', listenerEntry)));
  }
  const stats = await simStats();
  if (stats.SystemHandles !== 0 || stats.ProcessHandles !== 0) throw new Error(`leak after notify: ${JSON.stringify(stats)}`);
  const floor = summarize(floorSamples);
  const workedFloor = summarize(workedFloorSamples);
  const binding = summarize(simSamples.map((s) => s.totalUs));
  const hop = summarize(simSamples.map((s) => s.hopUs));
  const js = summarize(simSamples.map((s) => s.jsUs));
  const real = summarize(realSamples.map((s) => s.totalUs));
  const ratio = binding.median / floor.median;
  progress(`notify: binding median ${binding.median.toFixed(1)} us (real exit ${real.median.toFixed(1)} us), floor ${floor.median.toFixed(1)} us`);
  const result: BenchResult = {
    name: 'notify',
    summary: {
      bindingUs: round(binding.median, 1),
      koffiRawUs: round(floor.median, 1),
      koffiRawAfterWorkUs: round(workedFloor.median, 1),
      bindingHopUs: round(hop.median, 1),
      bindingJsUs: round(js.median, 1),
      bindingRealExitUs: round(real.median, 1),
    },
    rows: [
      {
        metric: 'notify: sim fires ProcessExited -> wait() (us)',
        median: binding.median,
        p99: binding.p99,
        referenceName: 'bare koffi callback',
        reference: floor.median,
        ratio,
        target: '<= 1.5x',
        met: ratio <= 1.5,
      },
      { metric: 'notify: bare koffi callback floor (us)', median: floor.median, p99: floor.p99 },
      {
        metric: 'notify: bare callback after a sample\'s work (us)',
        median: workedFloor.median,
        p99: workedFloor.p99,
        referenceName: 'bare koffi callback',
        reference: floor.median,
        ratio: workedFloor.median / floor.median,
      },
      { metric: 'notify: of which C -> binding listener (us)', median: hop.median, p99: hop.p99 },
      { metric: 'notify: of which listener -> wait() (us)', median: js.median, p99: js.p99 },
      {
        metric: 'notify: real process exit -> wait() (us)',
        median: real.median,
        p99: real.p99,
        referenceName: 'bare koffi callback',
        reference: floor.median,
        ratio: real.median / floor.median,
      },
    ],
    notes: [
      `binding n=${binding.count} (simulator-fired) + ${real.count} (real exits), floor n=${floor.count}; C stamps CLOCK_MONOTONIC just before the callback, JS reads hrtime after the awaited promise`,
    ],
  };
  return result;
});
