import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { simLibraryPath, simStats } from '../support/sim';

const fixture = path.join(__dirname, 'fixtures', 'worker-refused.js');

// HCS keeps calling a registered callback after the worker that registered it has ended, and koffi then crashes
// the whole process (reproduced: SIGSEGV at the next notification). So vmcompute is refused in workers, clearly
// and before anything is registered; the schemas still work there.
describe('worker threads', () => {
  it('refuse vmcompute calls with ERR_HCS_UNAVAILABLE before any native call, while the schemas work', async () => {
    // The simulator is named explicitly: without the refusal, the worker would really create a container.
    const env = { ...process.env, HCS_VMCOMPUTE_DLL: simLibraryPath() };
    const worker = new Worker(fixture, { env, workerData: { id: `worker-${process.pid}` } });
    const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    await worker.terminate();
    expect(report.crashed).toBeUndefined();
    expect(report.document).toBe('{"CommandLine":"cmd /c ver","CreateStdOutPipe":true,"ConsoleSize":[0,0]}');
    const outcomes = report.outcomes as Array<Record<string, unknown>>;
    expect(outcomes).toHaveLength(2);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ ok: false, name: 'HcsError', code: 'ERR_HCS_UNAVAILABLE' });
      expect(outcome.message).toMatch(/main thread, not from a worker thread/);
    }
    // Nothing reached the simulator: no system, no handle, no registration left behind by the worker.
    const stats = await simStats();
    expect([stats.ComputeSystems, stats.SystemHandles, stats.Callbacks]).toEqual([0, 0, 0]);
  });
});
