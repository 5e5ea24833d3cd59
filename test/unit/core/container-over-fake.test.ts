import { setImmediate as realSetImmediate } from 'node:timers';
import { createContainer, openContainer, settleBackgroundWork } from '../../../src/api/create-container';
import { useVmcomputeApi } from '../../../src/api/runtime';
import { getContainers } from '../../../src/api/service-queries';
import { HcsError } from '../../../src/errors';
import { keepAlive } from '../../../src/core/keep-alive';
import { FakeVmcompute, N, PENDING, tick } from '../../support/fake-vmcompute';
import { systemHandle } from './support/over-fake';

const config = { SystemType: 'Container', Name: 'c1', Layers: [] } as never;

function setup() {
  const fake = new FakeVmcompute();
  const rt = useVmcomputeApi(fake, () => ({ stdin: null, stdout: null, stderr: null }));
  return { fake, rt };
}


afterEach(() => {
  expect(keepAlive.count).toBe(0);
});

describe('createContainer over the fake', () => {
  it('waits for CreateCompleted, armed before registration (delivered during the register call)', async () => {
    const { fake } = setup();
    fake.autoComplete = false;
    fake.once('registerComputeSystemCallback', (system, context) => {
      // Deliver the queued completion before the registration call has returned to JS.
      setImmediate(() => fake.notifyContext(context as number, N.Create));
      fake.registrations.set(0xffffn, { target: system as bigint, context: context as number });
      return { hr: 0, value: 0xffffn };
    });
    const c = await createContainer('c1', config);
    expect(c.id).toBe('c1');
    await c.close();
    expect(fake.callsOf('unregisterComputeSystemCallback')).toEqual([[0xffffn]]);
  });

  it('rejects invalid input with HcsValidationError before touching the FFI', async () => {
    const { fake } = setup();
    await expect(createContainer('c1', { Bogus: 1 } as never)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG' });
    await expect(createContainer('a\0b', config)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG' });
    expect(fake.calls).toEqual([]);
  });

  it('maps a failed create to HcsError with the result document events', async () => {
    const { fake } = setup();
    fake.once('createComputeSystem', () => ({
      hr: 0xc0370109,
      result: JSON.stringify({ Error: -1070137079, ErrorMessage: 'timed out', ErrorEvents: [{ Message: 'vm did not answer' }] }),
      value: 0n,
    }));
    const err = await createContainer('c1', config).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_HCS_TIMEOUT', hresult: 0xc0370109, hresultName: expect.any(String), id: 'c1' });
    expect((err as { events: unknown[] }).events).toEqual([expect.objectContaining({ Message: 'vm did not answer' })]);
    expect(fake.openHandles.size).toBe(0);
  });

  it('on a create timeout: terminates and closes before rejecting ERR_HCS_TIMEOUT, and leaks nothing', async () => {
    const { fake, rt } = setup();
    fake.autoComplete = false;
    fake.once('terminateComputeSystem', (h) => {
      setImmediate(() => fake.notify(h as bigint, N.SystemExited));
      return { hr: PENDING, result: null };
    });
    await expect(createContainer('c1', config, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT' });
    // No ticks: the rejection itself comes after the clean-up (as hcsshim terminates before Create returns).
    expect(fake.callsOf('terminateComputeSystem')).toHaveLength(1);
    expect(fake.callsOf('closeComputeSystem')).toHaveLength(1);
    expect(fake.openHandles.size).toBe(0);
    expect(rt.registry.size).toBe(0);
  });

  it('an abort during the create call rejects promptly and cleans up once the call returns', async () => {
    const { fake, rt } = setup();
    const gate = fake.gate('createComputeSystem');
    const ac = new AbortController();
    const p = createContainer('c1', config, { signal: ac.signal });
    await gate.entered;
    ac.abort(new Error('user'));
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.callsOf('closeComputeSystem')).toHaveLength(0);
    gate.release();
    await settleBackgroundWork();
    expect(fake.callsOf('terminateComputeSystem')).toHaveLength(1);
    expect(fake.openHandles.size).toBe(0);
    expect(rt.registry.size).toBe(0);
  });

  it('if registration fails: terminates and closes the system', async () => {
    const { fake } = setup();
    fake.once('registerComputeSystemCallback', () => ({ hr: 0x80070005, value: 0n }));
    await expect(createContainer('c1', config)).rejects.toMatchObject({ code: 'ERR_HCS_CALL', hresult: 0x80070005 });
    expect(fake.callsOf('terminateComputeSystem')).toHaveLength(1);
    expect(fake.openHandles.size).toBe(0);
  });
});

describe('Container over the fake', () => {
  it('start waits for StartCompleted; a failed completion status becomes the error', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    await c.start();
    fake.autoComplete = false;
    const p = c.pause();
    await tick();
    fake.notify(systemHandle(fake), N.Pause, 0xc0370105, null);
    await expect(p).rejects.toMatchObject({ code: 'ERR_HCS_CALL', hresult: 0xc0370105, operation: 'hcs::System::Pause' });
    await c.close();
  });

  it('an exit during start rejects start with ERR_HCS_UNEXPECTED_EXIT', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.autoComplete = false;
    const p = c.start();
    await tick();
    fake.notify(systemHandle(fake), N.SystemExited);
    await expect(p).rejects.toMatchObject({ code: 'ERR_HCS_UNEXPECTED_EXIT' });
    await c.close();
  });

  it('start times out with ERR_HCS_TIMEOUT; the handle stays usable and a late completion is harmless', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.autoComplete = false;
    await expect(c.start({ timeoutMs: 10 })).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT' });
    fake.notify(systemHandle(fake), N.Start);
    await expect(c.properties()).resolves.toMatchObject({ Id: 'x' });
    await c.close();
  });

  it('after a timed-out or aborted start, the next start gets its own completion (the abandoned wait is withdrawn)', async () => {
    const { fake, rt } = setup();
    const c = await createContainer('c1', config);
    const entry = rt.registry.get(fake.contextOf(systemHandle(fake))!)!;
    fake.autoComplete = false;
    await expect(c.start({ timeoutMs: 10 })).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT' });
    const controller = new AbortController();
    const aborted = c.pause({ signal: controller.signal });
    await tick();
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(entry.pendingCount).toBe(0);
    // Left pending, the abandoned start's wait would take this completion and the second start would hang.
    const second = c.start({ timeoutMs: 60_000 });
    await tick();
    expect(entry.pendingCount).toBe(1);
    fake.notify(systemHandle(fake), N.Start);
    await expect(second).resolves.toBeUndefined();
    expect(entry.pendingCount).toBe(0);
    await c.close();
  });

  it('shutdown/terminate resolve on pending, on already-stopped HRESULTs and after exit', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.autoComplete = false;
    await c.shutdown();
    fake.once('terminateComputeSystem', () => ({ hr: 0xc0370110, result: null }));
    await c.terminate();
    fake.once('shutdownComputeSystem', () => ({ hr: 0x80370110, result: null }));
    await c.shutdown();
    fake.once('terminateComputeSystem', () => ({ hr: 0xc037010e, result: null }));
    await c.terminate();
    fake.once('terminateComputeSystem', () => ({ hr: 0x8037010e, result: null }));
    await c.terminate();
    fake.once('shutdownComputeSystem', () => ({ hr: 0xc0370105, result: null }));
    await expect(c.shutdown()).rejects.toMatchObject({ hresult: 0xc0370105 });
    fake.notify(systemHandle(fake), N.SystemExited);
    const before = fake.calls.length;
    await c.terminate();
    expect(fake.calls.length).toBe(before);
    fake.once('shutdownComputeSystem', () => ({ hr: 0x80070005, result: null }));
    await c.close();
  });

  it('wait() resolves any number of times, before and after the exit; one exit event', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const exits = jest.fn();
    c.on('exit', exits);
    const early = c.wait();
    expect(keepAlive.count).toBe(1);
    fake.notify(systemHandle(fake), N.SystemExited);
    fake.notify(systemHandle(fake), N.SystemExited);
    await early;
    await c.wait();
    await c.waitTimeout(1);
    expect(exits).toHaveBeenCalledTimes(1);
    await c.close();
    await expect(c.wait()).resolves.toBeUndefined();
  });

  it('wait() rejects after an abnormal exit with the exit error, each time, as hcsshim; exitError says why', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const exits = jest.fn();
    c.on('exit', exits);
    const pending = c.wait();
    fake.notify(systemHandle(fake), N.SystemExited, 0xc0370106);
    await expect(pending).rejects.toMatchObject({ code: 'ERR_HCS_UNEXPECTED_EXIT', hresult: 0xc0370106, operation: 'hcs::System::Wait' });
    await expect(c.wait()).rejects.toMatchObject({ code: 'ERR_HCS_UNEXPECTED_EXIT' });
    await expect(c.waitTimeout(10)).rejects.toMatchObject({ code: 'ERR_HCS_UNEXPECTED_EXIT' });
    expect(exits).toHaveBeenCalledWith(expect.objectContaining({ hresult: 0xc0370106 }));
    expect(c.exitError?.hresult).toBe(0xc0370106);
    await c.close();
  });

  it('waitTimeout rejects ERR_HCS_TIMEOUT and leaves the handle usable', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    await expect(c.waitTimeout(5)).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT', id: 'c1' });
    expect(keepAlive.count).toBe(0);
    fake.notify(systemHandle(fake), N.SystemExited);
    await c.wait();
    await c.close();
  });

  it('close settles pending waits with ERR_HCS_ALREADY_CLOSED; later calls never reach the fake', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const w = c.wait();
    await c.close();
    await expect(w).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    const before = fake.calls.length;
    for (const call of [() => c.start(), () => c.shutdown(), () => c.properties(), () => c.wait(), () => c.hasPendingUpdates(), () => c.createProcess({ CommandLine: 'x' })]) {
      await expect(call()).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    }
    expect(fake.calls.length).toBe(before);
    await c.close();
    expect(fake.callsOf('closeComputeSystem')).toHaveLength(1);
    expect(fake.callsOf('unregisterComputeSystemCallback')).toHaveLength(1);
  });

  it('close waits for an in-flight call on the handle before unregistering and closing', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const gate = fake.gate('getComputeSystemProperties');
    const props = c.properties();
    await gate.entered;
    const closing = c.close();
    await tick();
    expect(fake.callsOf('unregisterComputeSystemCallback')).toHaveLength(0);
    gate.release();
    await props;
    await closing;
    expect(fake.callsOf('closeComputeSystem')).toHaveLength(1);
  });

  it('close racing a notification completes', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const h = systemHandle(fake);
    fake.once('unregisterComputeSystemCallback', (cb) => {
      fake.notify(h, N.SystemExited);
      fake.registrations.delete(cb as bigint);
      return 0;
    });
    const w = c.wait();
    await c.close();
    await expect(w).resolves.toBeUndefined();
  });

  it('ServiceDisconnect fails a pending wait and later calls fail fast', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const w = c.wait();
    fake.notify(systemHandle(fake), N.ServiceDisconnect);
    await expect(w).rejects.toMatchObject({ code: 'ERR_HCS_SERVICE_DISCONNECT' });
    const before = fake.calls.length;
    await expect(c.start()).rejects.toMatchObject({ code: 'ERR_HCS_SERVICE_DISCONNECT' });
    expect(fake.calls.length).toBe(before);
    await c.close();
  });

  it('hasPendingUpdates is false without a call; properties send {} or PropertyTypes', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const before = fake.calls.length;
    await expect(c.hasPendingUpdates()).resolves.toBe(false);
    expect(fake.calls.length).toBe(before);
    await c.properties();
    await c.statistics();
    expect(fake.callsOf('getComputeSystemProperties').map((a) => a[1])).toEqual(['{}', '{"PropertyTypes":["Statistics"]}']);
    await c.close();
  });

  it('an open container without a pending wait does not keep Node alive', async () => {
    setup();
    const c = await createContainer('c1', config);
    expect(keepAlive.count).toBe(0);
    const w = c.wait();
    expect(keepAlive.count).toBe(1);
    await c.close();
    await w.catch(() => undefined);
    expect(keepAlive.count).toBe(0);
  });

  it('a bad timeout is refused before any native call, naming the field', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const before = fake.calls.length;
    const refused = (path: string) => expect.objectContaining({ code: 'ERR_HCS_INVALID_CONFIG', issues: [expect.objectContaining({ path })] });
    await expect(c.start({ timeoutMs: -5 })).rejects.toEqual(refused('timeoutMs'));
    await expect(c.shutdown({ timeoutMs: NaN })).rejects.toEqual(refused('timeoutMs'));
    await expect(c.waitTimeout(NaN)).rejects.toEqual(refused('(root)'));
    // Comparisons coerce: null, true and '5' would pass `>= 0` and become timers of 0-5 ms.
    for (const timeoutMs of [null, true, '5', 2 ** 31, Infinity]) {
      await expect(c.pause({ timeoutMs } as never)).rejects.toEqual(refused('timeoutMs'));
    }
    expect(fake.calls.length).toBe(before);
    await c.close();
  });

  it('a signal that is not an AbortSignal is refused before any native call, keep-alive or leak', async () => {
    const { fake, rt } = setup();
    const controller = new AbortController();
    const refused = expect.objectContaining({ code: 'ERR_HCS_INVALID_CONFIG', issues: [expect.objectContaining({ path: 'signal' })] });
    // The controller itself is the likely mistake; before the check, createContainer made the system and then
    // threw from addEventListener, leaving it created, registered and never terminated.
    await expect(createContainer('c1', config, { signal: controller } as never)).rejects.toEqual(refused);
    expect(fake.calls).toEqual([]);
    const c = await createContainer('c1', config);
    const before = fake.calls.length;
    await expect(c.start({ signal: {} } as never)).rejects.toEqual(refused);
    await expect(c.wait({ signal: {} } as never)).rejects.toEqual(refused);
    await expect(c.terminate({ signal: 'x' } as never)).rejects.toEqual(refused);
    await expect(c.start('fast' as never)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG', issues: [{ path: '(root)', message: expect.stringContaining('must be an object') }] });
    expect(fake.calls.length).toBe(before);
    expect(keepAlive.count).toBe(0);
    expect(rt.registry.size).toBe(1);
    await c.close();
    expect(fake.openHandles.size).toBe(0);
  });

  it('options that throw when read are refused as options, and options are read once', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const before = fake.calls.length;
    const unreadable = { code: 'ERR_HCS_INVALID_CONFIG', issues: [{ path: '(root)', message: expect.stringContaining('could not be read') }] };
    const throwing = {
      get timeoutMs(): number {
        throw new Error('boom');
      },
    };
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    await expect(c.start(throwing)).rejects.toMatchObject(unreadable);
    await expect(c.wait(proxy as never)).rejects.toMatchObject(unreadable);
    await expect(createContainer('c2', config, throwing)).rejects.toMatchObject(unreadable);
    // A signal whose members throw, or a revoked proxy as the signal: the same, at `signal`.
    const badSignal = { code: 'ERR_HCS_INVALID_CONFIG', issues: [{ path: 'signal', message: expect.stringContaining('could not be read') }] };
    const throwingSignal = {
      get aborted(): boolean {
        throw new Error('boom');
      },
      addEventListener() {},
      removeEventListener() {},
    };
    await expect(c.start({ signal: throwingSignal } as never)).rejects.toMatchObject(badSignal);
    await expect(c.wait({ signal: proxy } as never)).rejects.toMatchObject(badSignal);
    expect(fake.calls.length).toBe(before);
    // A getter that gives a valid signal the first time and a non-signal after: the checked value is the one used.
    let reads = 0;
    const controller = new AbortController();
    const shifty = {
      get signal(): AbortSignal {
        reads++;
        return (reads === 1 ? controller.signal : {}) as AbortSignal;
      },
    };
    const started = c.start(shifty);
    controller.abort();
    await expect(started).rejects.toMatchObject({ name: 'AbortError' });
    expect(reads).toBe(1);
    await c.close();
  });

  it('checks options even after the exit, when stop and wait would return early', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.notify(systemHandle(fake), N.SystemExited);
    await c.wait();
    await expect(c.terminate({ timeoutMs: NaN })).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG' });
    await expect(c.waitTimeout(-1)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG' });
    await expect(c.wait({ signal: {} } as never)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG' });
    await expect(c.openProcess(-1)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG', document: 'pid' });
    await c.close();
  });

  it('openContainer registers and closes cleanly', async () => {
    const { fake, rt } = setup();
    const c = await openContainer('c2');
    expect(rt.registry.size).toBe(1);
    await c.close();
    expect(rt.registry.size).toBe(0);
    expect(fake.openHandles.size).toBe(0);
  });

  it('openContainer of a system that had already stopped records its exit (no SystemExited may ever come)', async () => {
    const { fake } = setup();
    fake.once('getComputeSystemProperties', () => ({ hr: 0, result: null, value: '{"Id":"c2","State":"Stopped","Stopped":true}' }));
    const c = await openContainer('c2');
    // A listener attached right after the open still hears the exit, once.
    const exits: unknown[] = [];
    c.on('exit', (err) => exits.push(err));
    expect(fake.callsOf('getComputeSystemProperties')).toEqual([[expect.anything(), '{}']]);
    expect(c.exited).toBe(true);
    await expect(c.wait()).resolves.toBeUndefined();
    await new Promise((r) => setImmediate(r));
    fake.notify(systemHandle(fake), N.SystemExited);
    await new Promise((r) => setImmediate(r));
    expect(exits).toStrictEqual([undefined]);
    await c.close();
    // A running one waits for the notification; a failed query leaves the open standing.
    const running = await openContainer('c3');
    await expect(running.waitTimeout(5)).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT' });
    await running.close();
    fake.once('getComputeSystemProperties', () => ({ hr: 0xc0370105, result: null, value: null }));
    const unreadable = await openContainer('c4');
    expect(unreadable.exited).toBe(false);
    await unreadable.close();
  });

  it("the deferred 'exit' of an opened, stopped system still fires while the caller's tests fake the global timers", async () => {
    const { fake } = setup();
    fake.once('getComputeSystemProperties', () => ({ hr: 0, result: null, value: '{"Id":"c2","State":"Stopped","Stopped":true}' }));
    jest.useFakeTimers({ doNotFake: ['queueMicrotask', 'nextTick'] });
    try {
      const c = await openContainer('c2');
      const exits: unknown[] = [];
      c.on('exit', (err) => exits.push(err));
      await new Promise((r) => realSetImmediate(r));
      await new Promise((r) => realSetImmediate(r));
      expect(exits).toStrictEqual([undefined]);
      await c.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it("openContainer: an exit replayed during the register call still reaches an 'exit' listener attached after the open", async () => {
    const { fake } = setup();
    fake.once('registerComputeSystemCallback', (system, context) => {
      fake.registrations.set(0xfffen, { target: system as bigint, context: context as number });
      fake.notifyContext(context as number, N.SystemExited);
      return { hr: 0, value: 0xfffen };
    });
    const c = await openContainer('c5');
    const exits: unknown[] = [];
    c.on('exit', (err) => exits.push(err));
    await c.wait();
    await new Promise((r) => setImmediate(r));
    expect(exits).toStrictEqual([undefined]);
    await c.close();
  });

  it('PENDING from a sync-only call is success, not an error', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.once('modifyComputeSystem', () => ({ hr: PENDING, result: null }));
    await c.modify({ ResourceType: 'Network', Settings: 'abc', RequestType: 'Add' } as never);
    await c.close();
  });

  it('a properties document that is not JSON rejects with an HcsError (ERR_HCS_CALL), not a JsonTextError', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.once('getComputeSystemProperties', () => ({ hr: 0, result: null, value: '{"Id": ' }));
    const err = await c.statistics().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HcsError);
    expect(err).toMatchObject({ code: 'ERR_HCS_CALL', operation: 'hcs::System::Properties', id: 'c1', cause: expect.objectContaining({ name: 'JsonTextError' }) });
    fake.once('enumerateComputeSystems', () => ({ hr: 0, result: null, value: '[{' }));
    await expect(getContainers()).rejects.toMatchObject({ code: 'ERR_HCS_CALL', operation: 'hcs::GetComputeSystems' });
    await c.close();
  });
});

