// koffi's settings are process-wide and accepted only before its first library load, so each case runs in a fresh
// Node over the built package (inside a jest worker another test file may have loaded a library already).
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { simLibraryPath } from '../support/sim';
import { MAX_ASYNC_CALLS, RESIDENT_ASYNC_POOLS } from '../../src/ffi/koffi-runtime';

const fixture = path.join(__dirname, 'fixtures', 'koffi-settings.js');

function run(...args: string[]): Promise<{ before: number[]; after: number[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [fixture, ...args],
      { env: { ...process.env, HCS_VMCOMPUTE_DLL: simLibraryPath() }, timeout: 30_000 },
      (err, stdout, stderr) => (err ? reject(new Error(`${String(err)}\n${stderr}`)) : resolve(JSON.parse(stdout.trim()))),
    );
  });
}

describe('koffi settings', () => {
  it('the binding keeps 32 sets of async-call memory resident and allows 4096 calls when it loads koffi first', async () => {
    expect(await run()).toEqual({ before: [8, 256], after: [RESIDENT_ASYNC_POOLS, MAX_ASYNC_CALLS] });
  }, 40_000);

  it('leaves koffi as it is, and still works, when another library was loaded first', async () => {
    expect(await run('preload')).toEqual({ before: [8, 256], after: [8, 256] });
  }, 40_000);
});
