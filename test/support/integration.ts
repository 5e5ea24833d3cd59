/**
 * Shared helpers for the integration suites (test/integration): they drive the public API against the HCS simulator.
 *
 * Importing this module points the binding at the simulator (`HCS_VMCOMPUTE_DLL`) before any API call, so every
 * integration test file imports it first. {@link useSimulatorHygiene} installs the per-test leak checks; the other
 * helpers build configurations that work on both lanes (Linux: the simulator execs `CommandArgs` directly; Windows
 * Node under Wine: `CreateProcessW` with a `CommandLine`).
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import koffi from 'koffi';
import { type SimStats, simLibraryPath, simReset, simStats } from './sim';
import { onWindows } from './lanes';

// Why before the import of the binding: the FFI layer reads the variable when it first loads the library, and the
// integration suites must never fall back to a system vmcompute.dll.
process.env.HCS_VMCOMPUTE_DLL = simLibraryPath();

import type * as Api from '../../src';

/** The public API module type, for helpers that take the loaded module. */
export type HcsApi = typeof Api;
/** A container configuration as `createContainer` accepts it. */
export type ContainerConfig = Parameters<HcsApi['createContainer']>[1];
/** A process configuration as `Container.createProcess` accepts it. */
export type ProcessConfig = Parameters<Api.Container['createProcess']>[0];

/**
 * The simulator counters that must be zero after every test: nothing left open, and no call made with a closed or
 * forged handle (which the simulator answers with ERROR_INVALID_HANDLE, but the real vmcompute.dll may crash on).
 */
export const LEAK_COUNTERS = ['SystemHandles', 'ProcessHandles', 'Callbacks', 'LiveProcesses', 'InvalidHandles'] as const;

/** A fresh compute system id (a GUID, as Docker and containerd use). */
export function newId(): string {
  return randomUUID();
}

/**
 * A minimal process-isolated container configuration. The simulator accepts any layer paths; the values mirror what
 * Docker sends for a Windows Server container so the encoder and the DLL see a realistic document.
 */
export function containerConfig(id: string, extra: Partial<ContainerConfig> = {}): ContainerConfig {
  const base = {
    SystemType: 'Container',
    Name: id,
    Owner: 'hcsshim-ts-tests',
    LayerFolderPath: onWindows ? `C:\\ProgramData\\docker\\windowsfilter\\${id}` : `/tmp/hcsshim-ts/windowsfilter/${id}`,
    Layers: [
      {
        ID: '8e5b3c3e-4f3c-5b7a-9d7f-0d5f3c2e1a10',
        Path: onWindows ? 'C:\\ProgramData\\docker\\windowsfilter\\base' : '/tmp/hcsshim-ts/windowsfilter/base',
      },
    ],
    HvPartition: false,
  };
  return { ...base, ...extra } as ContainerConfig;
}

/**
 * A process configuration that runs `script` with this very Node binary, on both lanes. Pipes for all three stdio
 * streams are requested unless `extra` says otherwise.
 */
export function nodeProcess(api: HcsApi, script: string, extra: Partial<ProcessConfig> = {}): ProcessConfig {
  const argv = [process.execPath, '-e', script];
  // Why two shapes: the Linux simulator execs CommandArgs without a shell (no quoting problems); the Windows lane
  // has only CreateProcessW, which takes one command line built with hcsshim's EscapeArg rules.
  const command = onWindows ? { CommandLine: api.escapeArgs(argv) } : { CommandArgs: argv };
  return {
    ...command,
    CreateStdInPipe: true,
    CreateStdOutPipe: true,
    CreateStdErrPipe: true,
    ...extra,
  } as ProcessConfig;
}

/** Reads a stream to its end and returns every byte, so tests can assert that nothing arrives after `'end'`. */
export async function readAll(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error('expected a stream, got null');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls the simulator until `pred` holds for its counters or `limitMs` passes; resolves with the last counters.
 * For clean-up that the binding legitimately finishes in the background (e.g. after an abandoned create).
 */
export async function simEventually(pred: (stats: SimStats) => boolean, limitMs = 5000): Promise<SimStats> {
  const until = Date.now() + limitMs;
  let stats = await simStats();
  while (!pred(stats) && Date.now() < until) {
    await sleep(20);
    stats = await simStats();
  }
  return stats;
}

/**
 * Resolves with `'done'` when `p` settles (either way) or `'timed out'` after `ms`, clearing its timer, so a hang
 * becomes a failed assertion instead of a jest timeout, and no timer outlives the test.
 */
export async function within(p: Promise<unknown>, ms: number): Promise<'done' | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), ms)));
  try {
    return await Promise.race([p.then(
      () => 'done' as const,
      () => 'done' as const,
    ), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Settles `p` and reports which way, for asserting on races without unhandled rejections. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

/** The number of callbacks koffi currently has registered in this process (the binding registers exactly one). */
export function koffiCallbacks(): number {
  return koffi.stats().callbacks;
}

/**
 * How many koffi callbacks the binding may register for the whole process, whatever the number of handles: the HCS
 * notification callback, plus on Windows the overlapped-pipe wait callback of the stdio layer (design.md rule 6).
 */
export const BINDING_CALLBACKS = onWindows ? 2 : 1;

/** Something the hygiene hook closes after a failed test, once the leak assertion has been made. */
interface Closable {
  close(): Promise<void>;
}

/** What {@link useSimulatorHygiene} returns: a place to register objects so a failing test cannot hang the run. */
export interface Hygiene {
  /** Registers `obj` for a best-effort close after the test (after the leak assertion) and returns it. */
  track<T extends Closable>(obj: T): T;
}

/**
 * Installs the per-test leak checks. After every test the simulator's counters must show zero system handles,
 * process handles, registered callbacks and live processes, and koffi must hold no more than the binding's
 * process-wide callbacks ({@link BINDING_CALLBACKS}) beyond what it held before the file's first test. Only after
 * asserting does the hook close whatever the test left open and reset the simulator, so a leak fails the test that
 * caused it instead of the next one.
 */
export function useSimulatorHygiene(): Hygiene {
  let tracked: Closable[] = [];
  let koffiBaseline = 0;

  beforeAll(() => {
    // Why a baseline and not a constant: jest runs several test files in one worker process, where koffi's native
    // module (and its callback table) is shared, so registrations of files that ran earlier are still counted.
    koffiBaseline = koffiCallbacks();
  });

  beforeEach(async () => {
    await simReset();
    tracked = [];
  });

  afterEach(async () => {
    const leftovers = tracked;
    tracked = [];
    try {
      const stats = await simStats();
      const leaks = Object.fromEntries(LEAK_COUNTERS.map((k) => [k, stats[k]]));
      expect(leaks).toEqual({ SystemHandles: 0, ProcessHandles: 0, Callbacks: 0, LiveProcesses: 0, InvalidHandles: 0 });
      expect(koffiCallbacks()).toBeLessThanOrEqual(koffiBaseline + BINDING_CALLBACKS);
    } finally {
      await Promise.allSettled(leftovers.map((o) => o.close()));
      await simReset();
    }
  });

  return {
    track<T extends Closable>(obj: T): T {
      tracked.push(obj);
      return obj;
    },
  };
}

/**
 * Creates and starts a container with the default test configuration, registered with `hygiene` for cleanup. The
 * caller still closes it: the hygiene check counts an unclosed container as a leak.
 */
export async function startedContainer(
  api: HcsApi,
  hygiene: Hygiene,
  extra: Partial<ContainerConfig> = {},
): Promise<Api.Container> {
  const id = newId();
  const container = hygiene.track(await api.createContainer(id, containerConfig(id, extra)));
  await container.start();
  return container;
}

/** Shuts a container down, waits for its exit and closes it: the polite end of most tests. */
export async function stopAndClose(container: Api.Container): Promise<void> {
  await container.shutdown();
  await container.wait();
  await container.close();
}
