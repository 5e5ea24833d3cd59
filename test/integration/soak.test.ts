import { simLibraryPath } from '../support/sim';

// Why before loading the binding: the FFI layer reads the variable when it first loads the library.
process.env.HCS_VMCOMPUTE_DLL = simLibraryPath();

import { type SoakReport, runSoak } from '../bench/lib/soak-engine';
import { onWindows } from '../support/lanes';

// The short soak: a few hundred random scenarios with random faults, then the no-leak invariants. The full one is
// `npm run soak` (10,000 scenarios, 64 in flight). No timing assertions: only invariants.
// Both lanes: on Windows the processes are the simulator's helper executable (soak-programs.ts).
describe('short soak against the simulator', () => {
  let report: SoakReport;

  beforeAll(async () => {
    report = await runSoak({
      // Lighter on the Windows lane: every process start there is a Wine process start, and the lane's other suites
      // run beside this one (Wine has failed process starts under load, ERROR_INTERNAL_ERROR).
      iterations: onWindows ? 200 : 250,
      concurrency: onWindows ? 12 : 24,
      seed: 20261129,
      opTimeoutMs: 1500,
      // A hang never settles; the grace only has to outlast a slow machine. Under Wine every process start is a
      // Windows process start, which took 5-9 s on the loaded 2-core CI machine (a flake hunt, 2026-11-30).
      hangGraceMs: onWindows ? 20_000 : 5000,
      faultRate: 0.35,
      disconnectEvery: 125,
    });
  }, 120_000);

  it('ran every kind of scenario and injected faults', () => {
    expect(report.operations).toBeGreaterThan(250);
    expect(Object.keys(report.scenarios).length).toBeGreaterThanOrEqual(6);
    expect(report.faultsInjected).toBeGreaterThan(40);
    expect(report.faultsByMode.disconnect).toBe(1);
  });

  // Under jest an unhandled rejection also fails the run by itself (jest 30 reports it against the running test);
  // the counters below are what `npm run soak` relies on outside jest.
  it('saw no unhandled rejection, no uncaught exception and no hang', () => {
    expect(report.unhandledRejections).toBe(0);
    expect(report.uncaughtExceptions).toBe(0);
    expect(report.violations.filter((v) => v.includes('did not settle'))).toEqual([]);
  });

  it('every error was an HcsError or HcsValidationError with a code', () => {
    expect(report.violations.filter((v) => v.includes('not an HcsError') || v.includes('without a code'))).toEqual([]);
    for (const code of Object.keys(report.errorsByCode)) expect(code).toMatch(/^(ERR_HCS_[A-Z_]+|AbortError)$/);
  });

  it('released everything: zero simulator handles, callbacks and processes; koffi callbacks at baseline', () => {
    for (const k of ['SystemHandles', 'ProcessHandles', 'Callbacks', 'LiveProcesses']) expect(report.finalStats[k]).toBe(0);
    expect(report.registryEntries).toBe(0);
    expect(report.koffiCallbacks.end).toBe(report.koffiCallbacks.baseline);
    expect(report.bindingCallbacks.end).toBe(report.bindingCallbacks.baseline);
  });

  it('broke no other invariant', () => {
    expect(report.violations).toEqual([]);
  });
});
