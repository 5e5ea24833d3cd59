import {
  containerConfig,
  newId,
  nodeProcess,
  settle,
  sleep,
  startedContainer,
  stopAndClose,
  useSimulatorHygiene,
} from '../support/integration';
import { simFault, simResourceStats, simStats } from '../support/sim';
import * as api from '../../src';
import { createContainer, HcsError, isAlreadyClosed, isTimeout, openContainer } from '../../src';

const hygiene = useSimulatorHygiene();

describe('Container lifecycle against the simulator', () => {
  it('creates, starts, pauses, resumes, shuts down, waits and closes, emitting one exit event', async () => {
    const id = newId();
    const container = hygiene.track(await createContainer(id, containerConfig(id)));
    expect(container.id).toBe(id);
    const exits: unknown[] = [];
    container.on('exit', (...args: unknown[]) => exits.push(args));

    await container.start();
    expect((await container.properties()).State).toMatch(/running/i);
    await container.pause();
    expect((await container.properties()).State).toMatch(/paused/i);
    await container.resume();
    expect((await container.properties()).State).toMatch(/running/i);

    await container.shutdown();
    await container.wait();
    await new Promise((r) => setImmediate(r));
    expect(exits).toHaveLength(1);
    await container.close();
    expect((await simStats()).SystemHandles).toBe(0);
  });

  it('pause() freezes the processes of the system and resume() lets them go on', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(
        nodeProcess(api, "setInterval(() => process.stdout.write('t'), 20)", { CreateStdInPipe: false, CreateStdErrPipe: false }),
      ),
    );
    const { stdout } = await proc.stdio();
    let received = 0;
    stdout!.on('data', (chunk: Buffer) => (received += chunk.length));
    const until = async (ok: () => boolean) => {
      for (const end = Date.now() + 10_000; !ok() && Date.now() < end; ) await sleep(20);
    };
    await until(() => received > 0);
    expect(received).toBeGreaterThan(0);
    await container.pause();
    // Whatever was written just before the suspension may still be in flight: wait until the count holds still.
    for (let last = -1, end = Date.now() + 3000; received !== last && Date.now() < end; ) {
      last = received;
      await sleep(200);
    }
    const atPause = received;
    await sleep(500);
    expect(received).toBe(atPause);
    await container.resume();
    await until(() => received > atPause);
    expect(received).toBeGreaterThan(atPause);
    await proc.kill();
    await proc.wait();
    await proc.close();
    await stopAndClose(container);
  });

  it('terminate ends a running system and wait resolves', async () => {
    const container = await startedContainer(api, hygiene);
    await container.terminate();
    await container.wait();
    await container.close();
  });

  it('wait() may be called any number of times, before and after the exit', async () => {
    const container = await startedContainer(api, hygiene);
    const early = [container.wait(), container.wait()];
    await container.shutdown();
    await Promise.all(early);
    await container.wait();
    await container.wait();
    await container.close();
  });

  it('shutdown() and terminate() on an already stopped system resolve', async () => {
    const container = await startedContainer(api, hygiene);
    await container.shutdown();
    await container.wait();
    await expect(container.shutdown()).resolves.toBeUndefined();
    await expect(container.terminate()).resolves.toBeUndefined();
    await container.close();
  });

  it('waitTimeout() rejects with ERR_HCS_TIMEOUT and leaves the handle usable', async () => {
    const container = await startedContainer(api, hygiene);
    const started = Date.now();
    const err = await container.waitTimeout(100).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HcsError);
    expect((err as HcsError).code).toBe('ERR_HCS_TIMEOUT');
    expect(isTimeout(err)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    // The handle still works, and the exit notification that now arrives late is harmless.
    expect((await container.properties()).Id).toBe(container.id);
    await container.shutdown();
    await container.waitTimeout(10_000);
    await container.close();
  });

  it('hasPendingUpdates() answers false', async () => {
    const container = await startedContainer(api, hygiene);
    await expect(container.hasPendingUpdates()).resolves.toBe(false);
    await stopAndClose(container);
  });

  it('close() settles a pending wait with ERR_HCS_ALREADY_CLOSED', async () => {
    const container = await startedContainer(api, hygiene);
    const pending = settle(container.wait());
    await container.close();
    const outcome = await pending;
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect((outcome.error as HcsError).code).toBe('ERR_HCS_ALREADY_CLOSED');
    // The system itself is still running: stop it through a second handle.
    const again = hygiene.track(await openContainer(container.id));
    await stopAndClose(again);
  });

  it('calls after close() reject with ERR_HCS_ALREADY_CLOSED without touching the library; double close is a no-op', async () => {
    const container = await startedContainer(api, hygiene);
    await container.shutdown();
    await container.wait();
    await container.close();
    const before = await simResourceStats();
    const calls: Record<string, () => Promise<unknown>> = {
      start: () => container.start(),
      pause: () => container.pause(),
      statistics: () => container.statistics(),
      properties: () => container.properties(),
      processList: () => container.processList(),
      createProcess: () => container.createProcess(nodeProcess(api, '0')),
      openProcess: () => container.openProcess(1),
      shutdown: () => container.shutdown(),
    };
    // wait() is not in the list: the exit was observed before the close, and like hcsshim's Wait it may still
    // report that recorded exit without touching the library.
    for (const [name, call] of Object.entries(calls)) {
      const err = await call().then(
        () => `${name} resolved`,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HcsError);
      expect([name, (err as HcsError).code]).toEqual([name, 'ERR_HCS_ALREADY_CLOSED']);
      expect(isAlreadyClosed(err)).toBe(true);
    }
    await expect(container.close()).resolves.toBeUndefined();
    await expect(container.close()).resolves.toBeUndefined();
    expect(await simResourceStats()).toEqual(before);
  });

  it('`await using` closes the container at the end of the block', async () => {
    const id = newId();
    {
      await using container = await createContainer(id, containerConfig(id));
      hygiene.track(container);
      await container.start();
      await container.terminate();
      await container.wait();
      expect((await simStats()).SystemHandles).toBe(1);
    }
    expect((await simStats()).SystemHandles).toBe(0);
  });

  it('Symbol.asyncDispose is the same idempotent close', async () => {
    const container = await startedContainer(api, hygiene);
    await container.terminate();
    await container.wait();
    await container[Symbol.asyncDispose]();
    await container[Symbol.asyncDispose]();
    await expect(container.statistics()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
  });

  it('create, start, pause and resume that HCS completes at once (S_OK, no notification) resolve without waiting', async () => {
    for (const Export of ['HcsCreateComputeSystem', 'HcsStartComputeSystem', 'HcsPauseComputeSystem', 'HcsResumeComputeSystem']) {
      await simFault({ Export, Mode: 'sync-ok' });
    }
    const id = newId();
    // A wait for a completion that never comes would end in ERR_HCS_TIMEOUT instead.
    const opts = { timeoutMs: 3000 };
    const container = hygiene.track(await createContainer(id, containerConfig(id), opts));
    await container.start(opts);
    await container.pause(opts);
    expect((await container.properties()).State).toBe('Paused');
    await container.resume(opts);
    expect((await container.properties()).State).toBe('Running');
    expect((await simStats()).Faults).toBe(0); // each synchronous answer was used
    await stopAndClose(container);
  });
});
