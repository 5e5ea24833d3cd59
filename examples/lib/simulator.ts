/**
 * How the examples find an HCS: on Windows the machine's own vmcompute.dll; anywhere else the project's simulator
 * (test/sim), built on demand, unless `HCS_VMCOMPUTE_DLL` already names a vmcompute-compatible library.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const root = path.join(__dirname, '..', '..');

/**
 * Chooses the library and, off Windows, sets `HCS_VMCOMPUTE_DLL` and builds the simulator when it is the choice.
 * Call it before the first API call. Returns one line that says which HCS the program talks to.
 */
export function selectHcs(): string {
  if (process.platform === 'win32') {
    const chosen = process.env.HCS_VMCOMPUTE_DLL;
    return chosen ? `Using the vmcompute-compatible library in HCS_VMCOMPUTE_DLL (${chosen}).` : "Using this machine's Host Compute Service (vmcompute.dll).";
  }
  if (process.env.HCS_VMCOMPUTE_DLL) {
    return `Not on Windows: using the vmcompute-compatible library in HCS_VMCOMPUTE_DLL (${process.env.HCS_VMCOMPUTE_DLL}), e.g. the HCS simulator.`;
  }
  const lib = path.join(root, 'test', 'sim', 'build', 'libvmcompute-sim.so');
  process.env.HCS_VMCOMPUTE_DLL = lib;
  return `Not on Windows: using the HCS simulator (${path.relative(process.cwd(), lib) || lib}) through HCS_VMCOMPUTE_DLL.`;
}

/** Builds the simulator if `selectHcs()` chose it (the build script recompiles only when its sources changed). */
export function buildSimulatorIfChosen(): void {
  const lib = path.join(root, 'test', 'sim', 'build', 'libvmcompute-sim.so');
  if (process.platform === 'win32' || process.env.HCS_VMCOMPUTE_DLL !== lib) return;
  const script = path.join(root, 'scripts', 'build-sim.js');
  if (!existsSync(script)) throw new Error(`cannot build the simulator: ${script} is missing (run from a checkout)`);
  // Build output goes to stderr, so that stdout carries only the example's own output.
  const built = spawnSync(process.execPath, [script], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) throw new Error(`building the simulator failed (exit code ${built.status}); a C compiler (cc) is needed`);
  if (!existsSync(lib)) throw new Error(`the simulator build did not produce ${lib}`);
}

/** A container configuration the simulator accepts (process isolation, no real layers): for the examples only. */
export function simulatorContainerConfig(id: string, owner: string): {
  SystemType: 'Container';
  Name: string;
  Owner: string;
  LayerFolderPath: string;
  Layers: never[];
  HvPartition: false;
} {
  return { SystemType: 'Container', Name: id, Owner: owner, LayerFolderPath: `/tmp/hcsshim-ts-examples/${id}`, Layers: [], HvPartition: false };
}

/** Prints an example's fatal error on one line (plus a hint when HCS is missing) and sets exit code 1. */
export function reportFatal(program: string, err: unknown): void {
  const e = err as { code?: string; message?: string };
  process.stderr.write(`${program}: ${e?.message ?? String(err)}\n`);
  if (e?.code === 'ERR_HCS_UNAVAILABLE') {
    process.stderr.write('The Host Compute Service needs Windows with the Containers feature enabled.\n');
  }
  process.exitCode = 1;
}
