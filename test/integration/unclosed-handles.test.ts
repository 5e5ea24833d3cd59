// Pain-point family 8 (handle lifetime): a Container or Process that is garbage-collected without close() is
// reported through FinalizationRegistry. Run in a child Node with --expose-gc over the built package, so that the
// collection is real and the warning goes through process.emitWarning as a user would see it.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { simLibraryPath } from '../support/sim';

const fixture = path.join(__dirname, 'fixtures', 'unclosed-handles.js');
const SECRET = 'unc1osed-s3cret-0f-the-user';

interface Report {
  id: string;
  pid: number;
  code: number;
  warnings: Array<{ name: string; code?: string; message: string }>;
}

describe('Undisposed objects', () => {
  it('a Container and a Process collected without close() each emit an HCS_UNCLOSED_HANDLE warning without secrets', async () => {
    const run = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--expose-gc', fixture, SECRET],
        { env: { ...process.env, HCS_VMCOMPUTE_DLL: simLibraryPath() }, timeout: 30_000 },
        (_err, stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
      );
    });
    expect(run.stderr).not.toContain('FAILED');
    const report = JSON.parse(run.stdout.trim()) as Report;
    expect(report.code).toBe(0);
    const ours = report.warnings.filter((w) => w.code === 'HCS_UNCLOSED_HANDLE');
    expect(ours).toHaveLength(2);
    expect(ours.map((w) => w.message).sort()).toEqual([
      expect.stringContaining(`Container ${report.id}`),
      expect.stringContaining(`Process ${report.pid} in container ${report.id}`),
    ]);
    for (const w of ours) expect(w.message).toMatch(/without close\(\)/);
    // Node also prints the warnings to stderr: neither place may carry the Credentials or the Environment value.
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stderr).not.toContain(SECRET);
    expect(run.stderr).toContain('HCS_UNCLOSED_HANDLE');
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
  }, 40_000);
});
