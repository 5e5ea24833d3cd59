// Guard against the unregister deadlock (pain point 3): HcsUnregister*Callback waits for in-flight callbacks, and a
// callback from a simulator (or HCS) thread needs the JS thread. Made synchronously on the JS thread, the unregister
// would wait for itself forever; in-process that blocks jest's own timers, so the run would just hang until CI's job
// timeout. The scenario therefore runs in a child process (fixtures/unregister-in-flight.ts) with a time limit, and
// a deadlock becomes a named failure here.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { simLibraryPath } from '../support/sim';
import { describeIf, onPosix } from '../support/lanes';

const root = path.join(__dirname, '..', '..');
// Why tsx's require hook and not its CLI: the CLI runs the script in a grandchild, which the time limit's kill would
// not reach, leaving a deadlocked node process behind.
const tsxHook = path.join(root, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
const fixture = path.join(__dirname, 'fixtures', 'unregister-in-flight.ts');
const CHILD_LIMIT_MS = 30_000;

interface ChildResult {
  timedOut: boolean;
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

function runChild(kind: 'system' | 'process'): Promise<ChildResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = execFile(
      process.execPath,
      ['--require', tsxHook, fixture, kind],
      {
        cwd: root,
        env: { ...process.env, HCS_VMCOMPUTE_DLL: simLibraryPath() },
        timeout: CHILD_LIMIT_MS,
        // A deadlocked JS thread still dies of SIGTERM, but SIGKILL leaves no doubt.
        killSignal: 'SIGKILL',
      },
      (_error, stdout, stderr) =>
        resolve({
          timedOut: child.signalCode === 'SIGKILL' && Date.now() - started >= CHILD_LIMIT_MS,
          code: child.exitCode,
          signal: child.signalCode,
          stdout,
          stderr,
        }),
    );
  });
}

describeIf(onPosix, 'spawns tsx, which cannot run under the Windows lane node.exe')('Unregister while a notification callback is in flight', () => {
  it.each(['system', 'process'] as const)(
    'closing a %s handle completes (no deadlock), and the in-flight notification is delivered',
    async (kind) => {
      const result = await runChild(kind);
      expect(result.timedOut ? `child did not finish within ${CHILD_LIMIT_MS} ms: deadlock?` : 'finished').toBe('finished');
      expect(result.stderr).toBe('');
      expect({ code: result.code, signal: result.signal }).toEqual({ code: 0, signal: null });
      // delivered 1: the callback really ran during the close (the JS thread was busy until close() started, and
      // after the unregister returns no callback may run), so the scenario was exercised, not skipped by timing.
      expect(JSON.parse(result.stdout.trim())).toEqual({ closed: kind, delivered: 1 });
    },
    CHILD_LIMIT_MS + 15_000,
  );
});
