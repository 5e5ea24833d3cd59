import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describeIf, onWindows } from '../support/lanes';
import { simLibraryPath } from '../support/sim';

const build = path.join(__dirname, 'build');

describeIf(onWindows, 'runs the Windows smoke executable; the Linux lane runs the C driver instead')(
  'vmcompute.dll smoke test (Windows lane)',
  () => {
    it('drives a system and real processes through overlapped pipes', () => {
      const exe = path.join(build, 'win-smoke.exe');
      expect(fs.existsSync(exe)).toBe(true);
      const r = spawnSync(exe, [simLibraryPath(), path.join(build, 'win-child.exe')], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
      expect(output).toMatch(/\b0 failed check\(s\)/);
      expect(r.status).toBe(0);
    }, 70_000);
  },
);
