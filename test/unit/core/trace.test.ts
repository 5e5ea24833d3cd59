import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { itIf, onPosix } from '../../support/lanes';

const root = path.join(__dirname, '..', '..', '..');

describe('NODE_DEBUG=hcs tracing', () => {
  itIf(onPosix, 'spawns tsx, which cannot run under the Windows lane node.exe')('logs each call with its HRESULT and duration and each notification, never credentials or environment values', () => {
    const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const run = spawnSync(process.execPath, [tsx, path.join(__dirname, 'fixtures', 'trace-run.ts')], {
      env: { ...process.env, NODE_DEBUG: 'hcs' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    const log = run.stderr;
    expect(log).toMatch(/HCS \d+: hcs::CreateComputeSystem system trace-c -> 0xc0370103 \([\d.]+ms\)/);
    expect(log).toMatch(/hcs::System::Start system trace-c -> 0xc0370103/);
    expect(log).toMatch(/notification SystemStartCompleted context=\d+ system trace-c status=0x00000000/);
    expect(log).toMatch(/notification ProcessExited context=\d+ process 100 in trace-c/);
    expect(log).toMatch(/hcs::System::Close system trace-c -> 0x00000000/);
    expect(log).not.toContain('TOP-SECRET');
  });
});
