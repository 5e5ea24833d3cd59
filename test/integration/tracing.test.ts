import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { simLibraryPath } from '../support/sim';

const fixture = path.join(__dirname, 'fixtures', 'trace-secrets.js');
const SECRET = 'tr4ce-s3cret-0f-the-user';

describe('NODE_DEBUG=hcs tracing', () => {
  it('traces calls and notifications but never Credentials or Environment values', async () => {
    const run = await new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(
        process.execPath,
        [fixture, SECRET],
        { env: { ...process.env, HCS_VMCOMPUTE_DLL: simLibraryPath(), NODE_DEBUG: 'hcs' }, timeout: 30_000 },
        (_err, stdout, stderr) => resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
      );
    });
    expect(run.stderr).not.toContain('FAILED');
    // The child saw the secret in its environment (exit 0), so it really was sent.
    expect(run.stdout).toContain('exit 0');
    expect(run.stdout).toMatch(/duplicate create: ERR_HCS_/);
    expect(run.stderr).toMatch(/CreateComputeSystem/);
    expect(run.stderr).toMatch(/CreateProcess/);
    expect(run.stderr).toMatch(/ProcessExited/);
    // Each call with its identity, HRESULT and duration; each notification with its type, context and status.
    expect(run.stderr).toMatch(/HCS \d+: hcs::CreateComputeSystem system trace-secrets-\d+ -> 0xc0370103 \(\d+\.\d+ms\)/);
    expect(run.stderr).toMatch(/HCS \d+: hcs::System::CreateProcess system trace-secrets-\d+ -> 0x00000000 \(\d+\.\d+ms\)/);
    expect(run.stderr).toMatch(/HCS \d+: hcs::System::Close system trace-secrets-\d+ -> 0x00000000 \(\d+\.\d+ms\)/);
    expect(run.stderr).toMatch(/HCS \d+: notification SystemCreateCompleted context=\d+ system trace-secrets-\d+ status=0x00000000/);
    expect(run.stderr).toMatch(/HCS \d+: notification ProcessExited context=\d+ process \d+ in trace-secrets-\d+ status=0x00000000/);
    // The refused duplicate create is traced with its failure HRESULT.
    expect(run.stderr).toMatch(/hcs::CreateComputeSystem system trace-secrets-\d+ -> 0xc037010f/);
    expect(run.stdout).not.toContain(SECRET);
    expect(run.stderr).not.toContain(SECRET);
    // A signal here (SIGSEGV) means a crash while Node tears down, e.g. a library unloaded under its own threads.
    expect({ code: run.code, signal: run.signal }).toEqual({ code: 0, signal: null });
  }, 40_000);
});
