import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { MAX_ASYNC_CALLS } from '../../src/ffi/koffi-runtime';
import { describeIf, onWindows } from '../support/lanes';

const reason = 'overlapped pipe waits exist only on Windows (Windows lane)';
const fixture = path.join(__dirname, 'fixtures', 'pending-reads-blocked.js');
const READS = 300;

// Each completed pipe read enters koffi from a thread-pool thread and holds an async slot until the JS thread runs
// its callback. With koffi's default of 256 slots, 300 reads completing while JS is busy crashed the process
// ("Cannot create a handle without a HandleScope": koffi throws on the pool thread). The binding raises the limit;
// a fresh Node is needed because koffi takes settings only before its first library load.
describeIf(onWindows, reason)('koffi async slots', () => {
  it(`${READS} pipe reads completing while the JS thread is blocked are all delivered`, async () => {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [fixture, String(READS)], { timeout: 60_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${String(err)}\n${errOut}`)) : resolve(out),
      );
    });
    const report = JSON.parse(stdout.trim()) as Record<string, unknown>;
    expect(report).toMatchObject({ ok: READS, written: READS, maxAsyncCalls: MAX_ASYNC_CALLS });
    expect(report.stats).toMatchObject({ pending: 0, waits: 0, events: 0, buffers: 0 });
  }, 90_000);
});
