/**
 * Test helper for the HCS simulator (test/sim): where its library is, and `HcsSimControl` to reset it, read its
 * counters and inject faults. Used by the integration tests on Linux (libvmcompute-sim.so) and under Windows Node in
 * Wine (vmcompute.dll). The request formats are documented in test/sim/README.md.
 */
import path from 'node:path';
import koffi from 'koffi';
import { loadKoffi } from '../../src/ffi/koffi-runtime';

/** Absolute path of the simulator library: `HCS_VMCOMPUTE_DLL` when set, else the build output for this OS. */
export function simLibraryPath(): string {
  const fromEnv = process.env.HCS_VMCOMPUTE_DLL;
  if (fromEnv) return path.resolve(fromEnv);
  const build = path.join(__dirname, '..', 'sim', 'build');
  return path.join(build, process.platform === 'win32' ? 'vmcompute.dll' : 'libvmcompute-sim.so');
}

type AsyncFn = { async: (...args: unknown[]) => void } & ((...args: unknown[]) => unknown);

interface SimFunctions {
  control: AsyncFn;
  free: (p: unknown) => void;
}

const loaded = new Map<string, SimFunctions>();

function functions(): SimFunctions {
  const libPath = simLibraryPath();
  let fns = loaded.get(libPath);
  if (fns) return fns;
  // Why through the binding's loader: koffi takes settings only before its first library load, and the binding's
  // (loadKoffi) must apply in tests and benchmarks as they do for users, whose first load is the binding's own.
  loadKoffi();
  const lib = koffi.load(libPath);
  // Why ole32 on Windows: output strings of the real vmcompute.dll (and of the simulator's DLL) come from
  // CoTaskMemAlloc; on Linux the simulator library exports the matching CoTaskMemFree itself.
  const freeLib = process.platform === 'win32' ? koffi.load('ole32.dll') : lib;
  fns = {
    control: lib.func('int32_t HcsSimControl(const char16_t *request, _Out_ void **response)') as AsyncFn,
    free: freeLib.func('void CoTaskMemFree(void *p)') as (p: unknown) => void,
  };
  loaded.set(libPath, fns);
  const { control, free } = fns;
  // Why: process.exit() joins libuv's thread pool, so an .async call parked in an endless `hang` fault would keep
  // the process (a jest worker) alive forever. Releasing hangs needs no callback, so a synchronous call is safe here.
  process.once('exit', () => {
    const out: unknown[] = [null];
    control(JSON.stringify({ Op: 'Release' }), out);
    if (out[0]) free(out[0]);
  });
  return fns;
}

/** A failed `HcsSimControl` call: the HRESULT (unsigned) and the simulator's result document. */
export class SimControlError extends Error {
  constructor(
    readonly hr: number,
    readonly document: unknown,
  ) {
    super(`HcsSimControl failed with 0x${hr.toString(16).padStart(8, '0')}: ${JSON.stringify(document)}`);
    this.name = 'SimControlError';
  }
}

/**
 * Sends one control request (e.g. `{ Op: 'Stats' }`) and resolves with the parsed response. Runs through koffi's
 * `.async` so the JS thread never blocks while the simulator waits for a callback that needs this thread.
 */
export function simControl(request: object): Promise<any> {
  const { control, free } = functions();
  const out: unknown[] = [null];
  return new Promise((resolve, reject) => {
    control.async(JSON.stringify(request), out, (err: unknown, res: unknown) => {
      if (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const hr = (res as number) >>> 0;
      let text: string | null = null;
      const ptr = out[0];
      if (ptr !== null && ptr !== undefined && ptr !== 0n && ptr !== 0) {
        text = koffi.decode.string16(ptr);
        free(ptr);
      }
      let doc: unknown = null;
      try {
        doc = text === null ? null : JSON.parse(text);
      } catch {
        doc = text;
      }
      if (hr & 0x80000000) reject(new SimControlError(hr, doc));
      else resolve(doc);
    });
  });
}

/** Counters of the simulator (see test/sim/README.md). */
export interface SimStats {
  SystemHandles: number;
  ProcessHandles: number;
  Callbacks: number;
  LiveProcesses: number;
  ComputeSystems: number;
  PendingNotifications: number;
  QueuedForRegistration: number;
  Scheduled: number;
  Faults: number;
  /** Shutdowns whose grace-period kill is still queued; a system's exit cancels its own. */
  ShutdownTimers: number;
  Disconnected: boolean;
  Delivered: number;
  /** Calls made with a NULL, closed, forged or wrong-kind handle since the last Reset (the real DLL may crash). */
  InvalidHandles: number;
}

/** Reads the counters. */
export function simStats(): Promise<SimStats> {
  return simControl({ Op: 'Stats' });
}

/**
 * Every counter but `Delivered`, which reports the dispatcher's progress rather than what exists. Why: the simulator
 * counts a delivery only after our callback has returned to its thread, while JS may already have moved on from the
 * notification; comparing `Delivered` right after an awaited operation races that thread.
 */
export async function simResourceStats(): Promise<Omit<SimStats, 'Delivered'>> {
  const { Delivered: _delivered, ...rest } = await simStats();
  return rest;
}

/** Ends every `hang` fault now (the hung calls then run normally). */
export async function simRelease(): Promise<void> {
  await simControl({ Op: 'Release' });
}

/** Terminates and forgets every system, process, registration, fault and queued notification; clears Disconnect. */
export async function simReset(): Promise<void> {
  await simControl({ Op: 'Reset' });
}

/** A fault for the next `Count` calls of `Export` (an `Hcs*` export name, `ProcessExit` or `SystemExit`). */
export interface SimFault {
  Export: string;
  Mode?: 'fail' | 'async-fail' | 'hang' | 'drop' | 'duplicate' | 'early' | 'exit-during' | 'set' | 'sync-ok';
  /** A number or a hex string such as `'0xC0370109'`. */
  HResult?: number | string;
  Count?: number;
  DelayMs?: number;
  /** `ProcessExit` only: the LastWaitResult reported for the next process exit. */
  LastWaitResult?: number | string;
  /** `ProcessExit` only: overrides the exit code. */
  ExitCode?: number;
}

/** Queues a fault. */
export async function simFault(fault: SimFault): Promise<void> {
  await simControl({ Op: 'Fault', ...fault });
}

/** A notification to fire at a system's registrations, or at a process's when `Pid` is given. */
export interface SimNotification {
  Id: string;
  Pid?: number;
  Type: number;
  Status?: number | string;
  Data?: string | null;
  DelayMs?: number;
}

/** Fires any notification (including unknown types) from a simulator thread. */
export async function simNotify(notification: SimNotification): Promise<void> {
  await simControl({ Op: 'Notify', ...notification });
}

/** Delivers ServiceDisconnect to every registration; later calls fail with 0x800706BA until {@link simReset}. */
export async function simDisconnect(): Promise<void> {
  await simControl({ Op: 'Disconnect' });
}

/** Simulator timing. */
export interface SimConfig {
  /** Delay before completion notifications (default 5 ms). */
  CompletionDelayMs?: number;
  /** Shutdown's grace period before SIGKILL (default 2000 ms). */
  ShutdownGraceMs?: number;
}

/** Changes the timing; resolves with the configuration now in force. */
export function simConfig(config: SimConfig): Promise<Required<SimConfig>> {
  return simControl({ Op: 'Config', ...config });
}
