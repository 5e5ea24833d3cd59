import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describeIf, itIf, onWindows } from '../support/lanes';

const driver = path.join(__dirname, 'build', 'sim-driver');

function valgrindAvailable(): boolean {
  if (onWindows) return false;
  const r = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return r.status === 0;
}

function run(command: string, args: string[], timeoutMs: number) {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, signal: r.signal, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

describeIf(!onWindows, 'the C driver is a Linux executable; the Windows lane covers the DLL through sim-control.test.ts')(
  'simulator C test driver',
  () => {
    it('is built by the global setup', () => {
      expect(fs.existsSync(driver)).toBe(true);
    });

    it('passes every driver test (exports, fault modes, counters, concurrency)', () => {
      const r = run(driver, [], 60_000);
      expect(r.output).toMatch(/\b0 failed check\(s\)/);
      expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
    }, 70_000);

    itIf(valgrindAvailable(), 'valgrind is not installed')(
      'is valgrind-clean (no invalid access, no definite or possible leak) for lifecycles with processes',
      () => {
        // --child-silent-after-fork: valgrind runs the simulator's clone(CLONE_VM | CLONE_VFORK) as a fork, so a child
        // whose exec fails (tests of a missing program or directory) would exit as a copy of the driver and report
        // the driver's threads, which it never had, as possibly lost. The driver process itself is checked in full.
        const r = run(
          'valgrind',
          ['-q', '--leak-check=full', '--errors-for-leak-kinds=definite,possible', '--error-exitcode=9',
            '--child-silent-after-fork=yes', driver,
            'lifecycle', 'pipes', 'process-control', 'faults-async', 'unregister', 'reset', 'stress'],
          60_000,
        );
        expect(r.output).toMatch(/\b0 failed check\(s\)/);
        expect(r.output).not.toMatch(/==\d+==/);
        expect({ status: r.status, signal: r.signal }).toEqual({ status: 0, signal: null });
      },
      70_000,
    );
  },
);
