// Behaviour that a mutation review found unpinned: each test here fails if the named mutation of src/ is applied
// (M6j, M7b2, M3b, M9a, M9c, M11c), and pins the exact native calls or errors the binding produces today.
import { useVmcomputeApi } from '../../../src/api/runtime';
import { getContainers, getServiceProperties } from '../../../src/api/service-queries';
import { keepAlive } from '../../../src/core/keep-alive';
import { HcsError } from '../../../src/errors';
import { FakeVmcompute, N, status } from '../../support/fake-vmcompute';
import { containerOverFake, lastProcess, systemHandle } from './support/over-fake';

/** The methods called since `from`, in order (the fake's call log). */
function methodsSince(fake: FakeVmcompute, from: number): string[] {
  return fake.calls.slice(from).map((c) => c.method);
}

afterEach(() => {
  expect(keepAlive.count).toBe(0);
});

describe('ProcessExited with a failure status (M6j)', () => {
  it('wait() and exitCode() give -1, exitError carries the HRESULT and the result document, and HCS is not asked again', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    const exits = jest.fn();
    p.on('exit', exits);
    // A failed status means the wait itself failed: the code is unknown, whatever the data says. The data is then a
    // result document (not a ProcessStatus), whose ErrorMessage the error keeps.
    const E_FAIL = 0x80004005;
    const resultDocument = JSON.stringify({ Error: E_FAIL | 0, ErrorMessage: 'the guest connection was lost' });
    fake.notify(lastProcess(fake), N.ProcessExited, E_FAIL, resultDocument);
    await expect(p.wait()).resolves.toBe(-1);
    await expect(p.exitCode()).resolves.toBe(-1);
    expect(exits.mock.calls).toEqual([[-1]]);
    expect(p.exitError).toBeInstanceOf(HcsError);
    expect(p.exitError).toMatchObject({
      code: 'ERR_HCS_CALL',
      hresult: E_FAIL,
      hresultName: 'E_FAIL',
      operation: 'hcs::Process::Wait',
      id: 'c1',
      pid: p.pid,
      errorMessage: 'the guest connection was lost',
    });
    // Why pin this: without the failure-status branch the binding falls back to HcsGetProcessProperties, which also
    // yields -1 (not exited), but with an ERR_HCS_INVALID_PROCESS_STATE error and no HRESULT.
    expect(fake.callsOf('getProcessProperties')).toHaveLength(0);
    await p.close();
    await c.close();
  });

  it('a failure status wins over exit-code data it carries: -1, never the 0 in the data', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    // Whatever exit code such data holds, the failed wait means it cannot be trusted (hcsshim PR #70/#489).
    fake.notify(lastProcess(fake), N.ProcessExited, 0x80004005, status(0));
    await expect(p.wait()).resolves.toBe(-1);
    expect(p.exitError).toMatchObject({ hresult: 0x80004005, operation: 'hcs::Process::Wait' });
    await p.close();
    await c.close();
  });
});

describe('closeStdin() after the exit and close (M7b2)', () => {
  it('resolves without a native call when stdin was never closed before', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x', CreateStdInPipe: true });
    fake.notify(lastProcess(fake), N.ProcessExited, 0, status(0));
    await expect(p.wait()).resolves.toBe(0);
    await p.close();
    const before = fake.calls.length;
    // The contract: idempotent and safe after the exit, also once closed (a stdin relay finishing late, hcsshim PR
    // #1296). No earlier closeStdin() left a cached promise, so this takes the "exited, handle closed" path itself.
    await expect(p.closeStdin()).resolves.toBeUndefined();
    expect(fake.calls.slice(before)).toEqual([]);
    await c.close();
  });
});

describe('close() order: unregister before close (M3b)', () => {
  // Why the order matters: HcsUnregister*Callback waits for in-flight callbacks on the handle; closing the handle
  // first would let a callback run against (or HCS reuse) a handle that is already gone.
  it('Container.close() calls HcsUnregisterComputeSystemCallback, then HcsCloseComputeSystem, and nothing else', async () => {
    const { fake, c } = await containerOverFake();
    const system = systemHandle(fake);
    const callback = [...fake.registrations.entries()].find(([, r]) => r.target === system)![0];
    const before = fake.calls.length;
    await c.close();
    expect(fake.calls.slice(before)).toEqual([
      { method: 'unregisterComputeSystemCallback', args: [callback] },
      { method: 'closeComputeSystem', args: [system] },
    ]);
  });

  it('Process.close() calls HcsUnregisterProcessCallback, then HcsCloseProcess, and nothing else', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    const proc = lastProcess(fake);
    const callback = [...fake.registrations.entries()].find(([, r]) => r.target === proc)![0];
    const before = fake.calls.length;
    await p.close();
    expect(fake.calls.slice(before)).toEqual([
      { method: 'unregisterProcessCallback', args: [callback] },
      { method: 'closeProcess', args: [proc] },
    ]);
    await c.close();
  });
});

describe('System operations: the export and the options string (M9a, M9c)', () => {
  // hcsshim's legacy Start/Pause/Resume/Shutdown/Terminate all pass "" as the options: pinned exactly, since a
  // different string ('{}') is a different request to HCS.
  it('start(), pause() and resume() each call their own export once with options ""', async () => {
    const { fake, c } = await containerOverFake();
    const system = systemHandle(fake);
    let before = fake.calls.length;
    await c.start();
    expect(methodsSince(fake, before)).toEqual(['startComputeSystem']);
    expect(fake.callsOf('startComputeSystem')).toEqual([[system, '']]);
    before = fake.calls.length;
    await c.pause();
    expect(methodsSince(fake, before)).toEqual(['pauseComputeSystem']);
    expect(fake.callsOf('pauseComputeSystem')).toEqual([[system, '']]);
    before = fake.calls.length;
    await c.resume();
    expect(methodsSince(fake, before)).toEqual(['resumeComputeSystem']);
    expect(fake.callsOf('resumeComputeSystem')).toEqual([[system, '']]);
    await c.close();
  });

  it.each([
    ['shutdown', 'HcsShutdownComputeSystem', 'shutdownComputeSystem', 'terminateComputeSystem'],
    ['terminate', 'HcsTerminateComputeSystem', 'terminateComputeSystem', 'shutdownComputeSystem'],
  ] as const)('%s() calls %s with options "", never the other stop', async (method, _export, called, never) => {
    const { fake, c } = await containerOverFake();
    const system = systemHandle(fake);
    const before = fake.calls.length;
    await c[method]();
    expect(methodsSince(fake, before)).toEqual([called]);
    expect(fake.callsOf(called)).toEqual([[system, '']]);
    await c.wait();
    expect(fake.callsOf(never)).toEqual([]);
    await c.close();
  });
});

describe('A NULL document with a successful HRESULT is an error, never an empty answer (M11c)', () => {
  // hcsshim answers such a call with ErrUnexpectedValue; here ERR_HCS_CALL "unexpected value returned from hcs".
  it('getContainers() rejects ERR_HCS_CALL instead of listing no systems', async () => {
    const fake = new FakeVmcompute();
    useVmcomputeApi(fake, () => ({ stdin: null, stdout: null, stderr: null }));
    fake.once('enumerateComputeSystems', () => ({ hr: 0, result: null, value: null }));
    const err = await getContainers().then(
      (list) => ({ resolvedWith: list }),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HcsError);
    expect(err).toMatchObject({
      code: 'ERR_HCS_CALL',
      operation: 'hcs::GetComputeSystems',
      message: 'hcs::GetComputeSystems: unexpected value returned from hcs: no compute system list',
    });
    expect((err as HcsError).hresult).toBeUndefined();
  });

  it('Container.properties() rejects ERR_HCS_CALL naming the missing document, and the handle stays usable', async () => {
    const { fake, c } = await containerOverFake();
    fake.once('getComputeSystemProperties', () => ({ hr: 0, result: null, value: null }));
    await expect(c.properties()).rejects.toMatchObject({
      code: 'ERR_HCS_CALL',
      operation: 'hcs::System::Properties',
      id: 'c1',
      message: 'hcs::System::Properties c1: unexpected value returned from hcs: no properties document',
    });
    await expect(c.properties()).resolves.toMatchObject({ Id: 'x' });
    await c.close();
  });

  it('getServiceProperties() rejects ERR_HCS_CALL instead of resolving null', async () => {
    const fake = new FakeVmcompute();
    useVmcomputeApi(fake, () => ({ stdin: null, stdout: null, stderr: null }));
    fake.once('getServiceProperties', () => ({ hr: 0, result: null, value: null }));
    await expect(getServiceProperties()).rejects.toMatchObject({
      code: 'ERR_HCS_CALL',
      operation: 'hcs::GetServiceProperties',
      message: 'hcs::GetServiceProperties: unexpected value returned from hcs: no service properties document',
    });
  });

  it('Process.exitCode() rejects ERR_HCS_CALL when HcsGetProcessProperties returns no status', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: null }));
    await expect(p.exitCode()).rejects.toMatchObject({
      code: 'ERR_HCS_CALL',
      operation: 'hcs::Process::ExitCode',
      message: `hcs::Process::ExitCode c1:${p.pid}: unexpected value returned from hcs: no process status`,
    });
    expect(p.exited).toBe(false);
    await p.close();
    await c.close();
  });
});
