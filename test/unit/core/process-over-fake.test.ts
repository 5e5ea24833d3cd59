import { createContainer } from '../../../src/api/create-container';
import { KILL_EXIT_GRACE_MS } from '../../../src/api/process-exit';
import { useVmcomputeApi } from '../../../src/api/runtime';
import { keepAlive } from '../../../src/core/keep-alive';
import { HcsError } from '../../../src/errors';
import { FakeVmcompute, N, status, tick } from '../../support/fake-vmcompute';
import { config, containerOverFake, lastProcess } from './support/over-fake';

afterEach(() => {
  expect(keepAlive.count).toBe(0);
});

describe('Process over the fake', () => {
  it('takes the exit code from the ProcessExited data, without another call', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'cmd /c exit 3' });
    const exits = jest.fn();
    p.on('exit', exits);
    fake.notify(lastProcess(fake), N.ProcessExited, 0, status(3));
    await expect(p.wait()).resolves.toBe(3);
    await expect(p.exitCode()).resolves.toBe(3);
    expect(fake.callsOf('getProcessProperties')).toHaveLength(0);
    expect(exits).toHaveBeenCalledWith(3);
    await p.close();
    await c.close();
  });

  it('a refused HcsCreateProcess or HcsOpenProcess that still wrote handles has them released', async () => {
    const { fake, c, opened } = await containerOverFake();
    const info = { processId: 9, stdInput: 0x11n, stdOutput: 0x12n, stdError: 0n };
    fake.once('createProcess', () => ({ hr: 0x80070005, result: null, value: { process: 0x77n, info } }));
    await expect(c.createProcess({ CommandLine: 'x' })).rejects.toMatchObject({ hresult: 0x80070005 });
    expect(fake.callsOf('closeProcess')).toEqual([[0x77n]]);
    expect(opened).toEqual([{ stdin: 0x11n, stdout: 0x12n, stderr: 0n }]);
    fake.once('openProcess', () => ({ hr: 0x80070005, result: null, value: 0x78n }));
    await expect(c.openProcess(9)).rejects.toMatchObject({ hresult: 0x80070005 });
    expect(fake.callsOf('closeProcess')).toEqual([[0x77n], [0x78n]]);
    // Nothing written, nothing released: a zero handle is never passed to vmcompute.
    fake.once('createProcess', () => ({ hr: 0x80070005, result: null, value: { process: 0n, info: { ...info, stdInput: 0n, stdOutput: 0n } } }));
    await expect(c.createProcess({ CommandLine: 'x' })).rejects.toMatchObject({ hresult: 0x80070005 });
    expect(fake.callsOf('closeProcess')).toHaveLength(2);
    expect(opened).toHaveLength(1);
    await c.close();
  });

  it('a refused callback registration that still wrote a callback handle has it unregistered', async () => {
    const { fake, c } = await containerOverFake();
    fake.once('registerProcessCallback', () => ({ hr: 0x80070005, value: 0x66n }));
    await expect(c.createProcess({ CommandLine: 'x' })).rejects.toMatchObject({ hresult: 0x80070005 });
    expect(fake.callsOf('unregisterProcessCallback')).toEqual([[0x66n]]);
    fake.once('registerProcessCallback', () => ({ hr: 0x80070005, value: 0n }));
    await expect(c.createProcess({ CommandLine: 'x' })).rejects.toMatchObject({ hresult: 0x80070005 });
    expect(fake.callsOf('unregisterProcessCallback')).toHaveLength(1);
    await c.close();
  });

  it('falls back to HcsGetProcessProperties when the notification has no data', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: status(42) }));
    fake.notify(lastProcess(fake), N.ProcessExited);
    await expect(p.wait()).resolves.toBe(42);
    await p.close();
    await c.close();
  });

  it('falls back to HcsGetProcessProperties when the notification data is blank', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: status(43) }));
    fake.notify(lastProcess(fake), N.ProcessExited, 0, ' \r\n');
    await expect(p.wait()).resolves.toBe(43);
    expect(fake.callsOf('getProcessProperties')).toHaveLength(1);
    await p.close();
    await c.close();
  });

  it('reports -1 and records an error when LastWaitResult is non-zero, never a false 0', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.notify(lastProcess(fake), N.ProcessExited, 0, status(0, 0x80070005 | 0));
    await expect(p.wait()).resolves.toBe(-1);
    expect(p.exitError).toMatchObject({ hresult: 0x80070005 });
    await p.close();
    await c.close();
  });

  it('reports -1 with an error when the properties query fails', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.once('getProcessProperties', () => ({ hr: 0x80070006, result: null, value: null }));
    fake.notify(lastProcess(fake), N.ProcessExited);
    await expect(p.wait()).resolves.toBe(-1);
    expect(p.exitError).toBeDefined();
    await p.close();
    await c.close();
  });

  it('exitCode() before the exit rejects ERR_HCS_INVALID_PROCESS_STATE', async () => {
    const { c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    await expect(p.exitCode()).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_PROCESS_STATE' });
    await p.close();
    await c.close();
  });

  it('exitCode() that finds the process exited, then ProcessExited: exactly one exit event, with the first code', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    const exits = jest.fn();
    p.on('exit', exits);
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: status(3) }));
    await expect(p.exitCode()).resolves.toBe(3);
    fake.notify(lastProcess(fake), N.ProcessExited, 0, status(4));
    await tick();
    expect(exits.mock.calls).toEqual([[3]]);
    await expect(p.wait()).resolves.toBe(3);
    await p.close();
    await c.close();
  });

  it('kill racing a natural exit gives exactly one exit event; kill after exit resolves without a call', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    const exits = jest.fn();
    p.on('exit', exits);
    const h = lastProcess(fake);
    fake.once('terminateProcess', () => {
      fake.notify(h, N.ProcessExited, 0, status(0));
      return { hr: 0x8037011f, result: null };
    });
    await p.kill();
    await p.wait();
    await tick();
    expect(exits).toHaveBeenCalledTimes(1);
    const before = fake.calls.length;
    await p.kill();
    expect(fake.calls.length).toBe(before);
    await p.close();
    await c.close();
  });

  describe('when ProcessExited does not follow a kill (pain point 6)', () => {
    // Past the grace period, with room for a loaded machine: waits that must resolve end as soon as the check has.
    const grace = KILL_EXIT_GRACE_MS + 200;
    const ample = KILL_EXIT_GRACE_MS + 5000;

    it('takes the real exit code from HcsGetProcessProperties after the grace period', async () => {
      const { fake, c } = await containerOverFake();
      const p = await c.createProcess({ CommandLine: 'x' });
      const exits = jest.fn();
      p.on('exit', exits);
      fake.once('terminateProcess', () => ({ hr: 0x80070490, result: null }));
      fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: status(7) }));
      await p.kill();
      expect(fake.callsOf('getProcessProperties')).toHaveLength(0);
      await expect(p.waitTimeout(ample)).resolves.toBe(7);
      expect(exits).toHaveBeenCalledTimes(1);
      expect(fake.callsOf('getProcessProperties')).toHaveLength(1);
      // The late notification changes nothing: still one 'exit', still the first code.
      fake.notify(lastProcess(fake), N.ProcessExited, 0, status(9));
      await tick();
      expect(exits.mock.calls).toEqual([[7]]);
      await expect(p.wait()).resolves.toBe(7);
      await p.close();
      await c.close();
    });

    it('ends the wait with -1 and the error when HCS no longer knows the process; ACCESS_DENIED kills count as done', async () => {
      const { fake, c } = await containerOverFake();
      const p = await c.createProcess({ CommandLine: 'x' });
      fake.once('terminateProcess', () => ({ hr: 0x80070005, result: null }));
      fake.once('getProcessProperties', () => ({ hr: 0x80070490, result: null, value: null }));
      await p.kill();
      await expect(p.waitTimeout(ample)).resolves.toBe(-1);
      expect(p.exitError).toMatchObject({ hresult: 0x80070490 });
      await p.close();
      await c.close();
    });

    it('keeps waiting while HCS says the process still runs, and a refused kill still rejects', async () => {
      const { fake, c } = await containerOverFake();
      const p = await c.createProcess({ CommandLine: 'x' });
      fake.once('terminateProcess', () => ({ hr: 0xc0370105, result: null }));
      await expect(p.kill()).rejects.toMatchObject({ hresult: 0xc0370105 });
      await expect(p.waitTimeout(grace)).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.callsOf('getProcessProperties')).toHaveLength(1);
      expect(p.exited).toBe(false);
      await p.close();
      await c.close();
    });

    it('asks nothing after a service disconnect: kill rejects at once and no status query follows', async () => {
      const { fake, c } = await containerOverFake();
      const p = await c.createProcess({ CommandLine: 'x' });
      fake.notify(lastProcess(fake), N.ServiceDisconnect);
      const before = fake.calls.length;
      await expect(p.kill()).rejects.toMatchObject({ code: 'ERR_HCS_SERVICE_DISCONNECT' });
      await new Promise((resolve) => setTimeout(resolve, grace));
      expect(fake.calls.slice(before)).toEqual([]);
      await p.close();
      await c.close();
    });

    it('asks nothing when the exit arrives in time, or when the handle closes first', async () => {
      const { fake, c } = await containerOverFake();
      const p = await c.createProcess({ CommandLine: 'x' });
      await p.kill();
      await expect(p.wait()).resolves.toBe(1);
      const q = await c.createProcess({ CommandLine: 'y' });
      fake.once('terminateProcess', () => ({ hr: 0x80070490, result: null }));
      await q.kill();
      await q.close();
      await new Promise((resolve) => setTimeout(resolve, grace));
      expect(fake.callsOf('getProcessProperties')).toHaveLength(0);
      await p.close();
      await c.close();
    });
  });

  it('an exit that arrives during registration (before create returns) still resolves wait()', async () => {
    const { fake, c } = await containerOverFake();
    fake.once('registerProcessCallback', (proc, context) => {
      fake.registrations.set(0xabcn, { target: proc as bigint, context: context as number });
      fake.notifyContext(context as number, N.ProcessExited, 0, status(5));
      return { hr: 0, value: 0xabcn };
    });
    const p = await c.createProcess({ CommandLine: 'x' });
    await expect(p.wait()).resolves.toBe(5);
    await p.close();
    await c.close();
  });

  it('closeStdin is idempotent and sends CloseHandle only while running', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x', CreateStdInPipe: true });
    await p.closeStdin();
    await p.closeStdin();
    expect(fake.callsOf('modifyProcess').map((a) => a[1])).toEqual(['{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}']);
    const q = await c.createProcess({ CommandLine: 'y' });
    fake.notify(lastProcess(fake), N.ProcessExited, 0, status(0));
    await q.wait();
    await q.closeStdin();
    expect(fake.callsOf('modifyProcess')).toHaveLength(1);
    await p.close();
    await q.close();
    // Safe after the exit even once closed (a late stdin relay, hcsshim PR #1296), and after a done closeStdin.
    await q.closeStdin();
    await p.closeStdin();
    // A handle closed while the process still ran, stdin never closed: refused, without a call.
    const r = await c.createProcess({ CommandLine: 'z', CreateStdInPipe: true });
    await r.close();
    await expect(r.closeStdin()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED', operation: 'hcs::Process::CloseStdin' });
    expect(fake.callsOf('modifyProcess')).toHaveLength(1);
    await c.close();
  });

  it('closeStdin: concurrent calls share one request, and a failed request can be retried', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x', CreateStdInPipe: true });
    fake.once('modifyProcess', () => ({ hr: 0xc0370105, result: null }));
    const first = p.closeStdin();
    const second = p.closeStdin();
    await expect(first).rejects.toMatchObject({ code: 'ERR_HCS_CALL', hresult: 0xc0370105 });
    await expect(second).rejects.toMatchObject({ hresult: 0xc0370105 });
    expect(fake.callsOf('modifyProcess')).toHaveLength(1);
    await p.closeStdin();
    await p.closeStdin();
    expect(fake.callsOf('modifyProcess')).toHaveLength(2);
    await p.close();
    await c.close();
  });

  it.each([
    ['0x8037011F', 0x8037011f],
    ['0xC037011F', 0xc037011f],
  ])('kill() and signal() treat "process already stopped" %s as done', async (_name, hr) => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.once('terminateProcess', () => ({ hr, result: null }));
    await expect(p.kill()).resolves.toBeUndefined();
    fake.once('signalProcess', () => ({ hr, result: null }));
    await expect(p.signal({ Signal: 'CtrlC' })).resolves.toBeUndefined();
    await p.close();
    await c.close();
  });

  it('closeStdin closes a stdin handle never handed out, and stdio() later gives no stdin', async () => {
    const { fake, c, opened } = await containerOverFake();
    fake.once('createProcess', () => ({
      hr: 0,
      result: null,
      value: { process: 0x77n, info: { processId: 5, stdInput: 11n, stdOutput: 12n, stdError: 13n } },
    }));
    const p = await c.createProcess({ CommandLine: 'x', CreateStdInPipe: true, CreateStdOutPipe: true, CreateStdErrPipe: true });
    await p.closeStdin();
    expect(opened).toEqual([{ stdin: 11n, stdout: 0n, stderr: 0n }]);
    await p.stdio();
    expect(opened[1]).toEqual({ stdin: 0n, stdout: 12n, stderr: 13n });
    fake.openHandles.add(0x77n);
    await p.close();
    await c.close();
  });

  it('resizeConsole sends ConsoleSize with Height and Width', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x', EmulateConsole: true });
    await p.resizeConsole(120, 40);
    expect(fake.callsOf('modifyProcess')[0]![1]).toBe('{"Operation":"ConsoleSize","ConsoleSize":{"Height":40,"Width":120}}');
    await p.close();
    await c.close();
  });

  it('close rejects pending waits with ERR_HCS_ALREADY_CLOSED and later calls never reach the fake', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    const w = p.wait();
    await p.close();
    await expect(w).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    const before = fake.calls.length;
    await expect(p.kill()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    await expect(p.stdio()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    await expect(p.exitCode()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    expect(fake.calls.length).toBe(before);
    await p.close();
    expect(fake.callsOf('closeProcess')).toHaveLength(1);
    await c.close();
  });

  it('the first stdio() uses the create handles, later ones HcsGetProcessInfo', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    await p.stdio();
    expect(fake.callsOf('getProcessInfo')).toHaveLength(0);
    await p.stdio();
    expect(fake.callsOf('getProcessInfo')).toHaveLength(1);
    await p.close();
    await c.close();
  });

  it('openProcess picks up a process that already exited', async () => {
    const { fake, c } = await containerOverFake();
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: status(9) }));
    const p = await c.openProcess(77);
    expect(p.pid).toBe(77);
    await expect(p.wait()).resolves.toBe(9);
    await p.close();
    await c.close();
  });

  it('Container.close leaves its processes open and usable', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    await c.close();
    fake.notify(lastProcess(fake), N.ProcessExited, 0, status(1));
    await expect(p.wait()).resolves.toBe(1);
    await p.close();
    expect(fake.openHandles.size).toBe(0);
  });

  it('an opener that throws makes stdio() reject with an HcsError (ERR_HCS_CALL, cause kept)', async () => {
    const fake = new FakeVmcompute();
    const boom = new Error('no pipes today');
    useVmcomputeApi(fake, () => {
      throw boom;
    });
    const c = await createContainer('c1', config);
    const p = await c.createProcess({ CommandLine: 'x', CreateStdOutPipe: true });
    const err = await p.stdio().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HcsError);
    expect(err).toMatchObject({ code: 'ERR_HCS_CALL', operation: 'hcs::Process::Stdio', pid: p.pid, cause: boom });
    await p.close();
    await c.close();
  });

  it('a ProcessStatus that is not JSON rejects exitCode() with an HcsError, never a bare JsonTextError', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: '{"Exited": tru' }));
    const err = await p.exitCode().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HcsError);
    expect(err).toMatchObject({ code: 'ERR_HCS_CALL', operation: 'hcs::Process::ExitCode', cause: expect.objectContaining({ name: 'JsonTextError' }) });
    await p.close();
    await c.close();
  });

  it('after ProcessExited without data, an unreadable status gives -1 and an HcsError as exitError', async () => {
    const { fake, c } = await containerOverFake();
    const p = await c.createProcess({ CommandLine: 'x' });
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: 'not json' }));
    fake.notify(lastProcess(fake), N.ProcessExited, 0, null);
    await expect(p.wait()).resolves.toBe(-1);
    expect(p.exitError).toBeInstanceOf(HcsError);
    expect(p.exitError).toMatchObject({ code: 'ERR_HCS_CALL', operation: 'hcs::Process::Wait' });
    await p.close();
    await c.close();
  });
});

