import {
  nodeProcess,
  readAll,
  settle,
  simEventually,
  sleep,
  startedContainer,
  stopAndClose,
  useSimulatorHygiene,
} from '../support/integration';
import { simFault, simStats } from '../support/sim';
import { itIf, onPosix } from '../support/lanes';
import * as api from '../../src';
import { HcsError, isTimeout, type Process } from '../../src';

const hygiene = useSimulatorHygiene();

describe('Process lifecycle against the simulator', () => {
  it('reports the exit code through wait(), waitTimeout(), exitCode() and one exit event', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, 'process.exit(7)')));
    expect(proc.pid).toBeGreaterThan(0);
    const exits: unknown[] = [];
    proc.on('exit', (code: unknown) => exits.push(code));
    await expect(proc.wait()).resolves.toBe(7);
    await expect(proc.wait()).resolves.toBe(7);
    await expect(proc.waitTimeout(1000)).resolves.toBe(7);
    await expect(proc.exitCode()).resolves.toBe(7);
    await sleep(20);
    expect(exits).toEqual([7]);
    await proc.close();
    await stopAndClose(container);
  });

  it('exitCode() before the exit rejects with ERR_HCS_INVALID_PROCESS_STATE', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(nodeProcess(api, 'setTimeout(() => {}, 20000)', { CreateStdInPipe: false })),
    );
    await expect(proc.exitCode()).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_PROCESS_STATE' });
    await proc.kill();
    expect(typeof (await proc.wait())).toBe('number');
    await proc.close();
    await stopAndClose(container);
  });

  it('waitTimeout() on a running process rejects ERR_HCS_TIMEOUT and the process stays usable', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(nodeProcess(api, "process.stdin.on('data', () => process.exit(4))")),
    );
    const err = await proc.waitTimeout(100).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HcsError);
    expect(isTimeout(err)).toBe(true);
    const { stdin } = await proc.stdio();
    stdin!.write('go\n');
    await expect(proc.wait()).resolves.toBe(4);
    await proc.close();
    await stopAndClose(container);
  });

  it('kill() ends a running process; a later kill() after the exit does not throw', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(nodeProcess(api, 'setInterval(() => {}, 1000)', { CreateStdInPipe: false })),
    );
    await proc.kill();
    const code = await proc.wait();
    expect(code).not.toBe(0);
    await settle(proc.kill());
    await proc.close();
    await stopAndClose(container);
  });

  it('openProcess() attaches to a running process by pid', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(nodeProcess(api, "process.stdin.on('data', () => process.exit(5))")),
    );
    const opened = hygiene.track(await container.openProcess(proc.pid));
    expect(opened.pid).toBe(proc.pid);
    const both = Promise.all([proc.wait(), opened.wait()]);
    (await proc.stdio()).stdin!.write('x');
    await expect(both).resolves.toEqual([5, 5]);
    await opened.close();
    await proc.close();
    await stopAndClose(container);
  });

  it('createProcess() whose callback registration fails stops the process it started and closes its handle', async () => {
    const container = await startedContainer(api, hygiene);
    await simFault({ Export: 'HcsRegisterProcessCallback', Count: 1, Mode: 'fail' });
    const outcome = await settle(container.createProcess(nodeProcess(api, 'setInterval(() => {}, 1000)')));
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.error).toBeInstanceOf(HcsError);
    // Nobody could reach that process any more (no handle, no pid handed out): it must not run on.
    const stats = await simEventually((s) => s.LiveProcesses === 0, 10_000);
    expect({ processHandles: stats.ProcessHandles, live: stats.LiveProcesses }).toEqual({ processHandles: 0, live: 0 });
    await stopAndClose(container);
  });

  it('openProcess() whose callback registration fails leaves the process running for its owner', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, "process.stdin.on('data', () => process.exit(4))")));
    await simFault({ Export: 'HcsRegisterProcessCallback', Count: 1, Mode: 'fail' });
    expect((await settle(container.openProcess(proc.pid))).ok).toBe(false);
    await sleep(100);
    expect((await simStats()).LiveProcesses).toBe(1);
    (await proc.stdio()).stdin!.write('x');
    await expect(proc.wait()).resolves.toBe(4);
    await proc.close();
    await stopAndClose(container);
  });

  it('openProcess() of an unknown pid rejects with an HcsError', async () => {
    const container = await startedContainer(api, hygiene);
    await expect(container.openProcess(0x7ffffff0)).rejects.toBeInstanceOf(HcsError);
    await stopAndClose(container);
  });

  it('a process that never reads stdin does not hang wait()', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, 'setTimeout(() => process.exit(0), 50)')));
    await expect(proc.wait()).resolves.toBe(0);
    await proc.close();
    await stopAndClose(container);
  });

  it('closeStdin() ends the input, is idempotent and is safe after the exit', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, "let n = 0; process.stdin.on('data', (d) => { n += d.length; }); process.stdin.on('end', () => { console.log(n); });"),
      ),
    );
    const { stdin, stdout } = await proc.stdio();
    const out = readAll(stdout);
    await new Promise<void>((resolve, reject) => stdin!.write('12345', (e) => (e ? reject(e) : resolve())));
    await proc.closeStdin();
    await proc.closeStdin();
    expect((await out).toString().trim()).toBe('5');
    await expect(proc.wait()).resolves.toBe(0);
    await expect(proc.closeStdin()).resolves.toBeUndefined();
    await proc.close();
    await stopAndClose(container);
  });

  it('close() destroys the stdio streams and later calls into HCS reject ERR_HCS_ALREADY_CLOSED', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, 'process.exit(0)')));
    const { stdin, stdout, stderr } = await proc.stdio();
    await proc.wait();
    await proc.close();
    await proc.close();
    await sleep(10);
    for (const s of [stdin, stdout, stderr]) expect(s?.destroyed).toBe(true);
    // wait() is not asserted here: the exit was recorded before the close and, as in hcsshim, may still be reported.
    await expect(proc.kill()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    await expect(proc.resizeConsole(80, 25)).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    await stopAndClose(container);
  });

  it('`await using` closes the process', async () => {
    const container = await startedContainer(api, hygiene);
    let leaked: Process | undefined;
    {
      await using proc = await container.createProcess(nodeProcess(api, 'process.exit(2)'));
      leaked = hygiene.track(proc);
      await expect(proc.wait()).resolves.toBe(2);
    }
    await expect(leaked.kill()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    await stopAndClose(container);
  });

  itIf(onPosix, 'CtrlC maps to a POSIX SIGINT in the simulator')('signal() delivers CtrlC', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, "process.on('SIGINT', () => process.exit(42)); console.log('ready'); setInterval(() => {}, 1000);", {
          CreateStdInPipe: false,
        }),
      ),
    );
    const { stdout } = await proc.stdio();
    await new Promise<void>((resolve) => stdout!.once('data', () => resolve()));
    await proc.signal({ Signal: 'CtrlC' } as never);
    await expect(proc.wait()).resolves.toBe(42);
    await proc.close();
    await stopAndClose(container);
  });

  it('several processes in one container run concurrently and report their own codes', async () => {
    const container = await startedContainer(api, hygiene);
    const procs = await Promise.all(
      [11, 12, 13].map(async (code) =>
        hygiene.track(await container.createProcess(nodeProcess(api, `process.exit(${code})`, { CreateStdInPipe: false }))),
      ),
    );
    await expect(Promise.all(procs.map((p) => p.wait()))).resolves.toEqual([11, 12, 13]);
    await Promise.all(procs.map((p) => p.close()));
    await stopAndClose(container);
  });
});
