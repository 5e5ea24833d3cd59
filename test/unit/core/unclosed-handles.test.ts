import { execFile } from 'node:child_process';
import * as path from 'node:path';

// Why a child process: the finalizer runs when V8 collects the object, which inside a long-lived jest worker (many
// test contexts in one isolate) did not happen within 5 s in the Windows lane; a fresh Node with --expose-gc
// collects at once. The built module (dist/, made by the global set-up) is what runs there.
const fixture = path.join(__dirname, 'fixtures', 'unclosed-gc.js');
const built = path.join(__dirname, '..', '..', '..', 'dist', 'src', 'core', 'unclosed-handles.js');

describe('watchUnclosed', () => {
  it('emits an HCS_UNCLOSED_HANDLE warning for an object collected without close(), and none for a closed one', async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--expose-gc', fixture, built], { timeout: 30_000 }, (err, out) => (err ? reject(err) : resolve(out)));
    });
    const warnings = JSON.parse(stdout.trim()) as string[];
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Container leaky');
    expect(warnings[0]).toMatch(/garbage-collected without close\(\)/);
  }, 40_000);
});
