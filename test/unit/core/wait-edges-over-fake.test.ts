import { createContainer, settleBackgroundWork } from '../../../src/api/create-container';
import { useVmcomputeApi } from '../../../src/api/runtime';
import { keepAlive } from '../../../src/core/keep-alive';
import { FakeVmcompute, N, status } from '../../support/fake-vmcompute';

// Edge cases of waits, aborts and exits found by a review of the core: each case failed before its fix.

const config = { SystemType: 'Container', Name: 'c1', Layers: [] } as never;

function setup() {
  const fake = new FakeVmcompute();
  const rt = useVmcomputeApi(fake, () => ({ stdin: null, stdout: null, stderr: null }));
  return { fake, rt };
}

const systemHandles = (fake: FakeVmcompute) => fake.callsOf('registerComputeSystemCallback').map((call) => call[0] as bigint);
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** The codes an 'exit' listener attached now hears. */
function exitsHeard(p: { on(event: 'exit', listener: (code: number) => void): unknown }): number[] {
  const exits: number[] = [];
  p.on('exit', (code) => exits.push(code));
  return exits;
}

afterEach(() => {
  expect(keepAlive.count).toBe(0);
});

describe('timeouts from the environment', () => {
  const saved = { create: process.env.HCSSHIM_TIMEOUT_SYSTEMCREATE, start: process.env.HCSSHIM_TIMEOUT_SYSTEMSTART };
  afterEach(() => {
    for (const [key, value] of [['HCSSHIM_TIMEOUT_SYSTEMCREATE', saved.create], ['HCSSHIM_TIMEOUT_SYSTEMSTART', saved.start]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  it('a value beyond the longest Node timer ("no timeout") lets create and start work, not RangeError', async () => {
    const { fake } = setup();
    process.env.HCSSHIM_TIMEOUT_SYSTEMCREATE = '99999999';
    process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = '99999999';
    const c = await createContainer('c1', config);
    await c.start();
    expect(fake.callsOf('terminateComputeSystem')).toHaveLength(0);
    await c.close();
  });
});

describe('aborts', () => {
  it('an already-aborted signal stops start() and terminate() before the native call', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const signal = AbortSignal.abort(new Error('stop'));
    await expect(c.start({ signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(c.terminate({ signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.callsOf('startComputeSystem')).toHaveLength(0);
    expect(fake.callsOf('terminateComputeSystem')).toHaveLength(0);
    await c.close();
  });

  it('an abort in the same turn as SystemCreateCompleted still releases the system the caller never gets', async () => {
    const { fake, rt } = setup();
    fake.autoComplete = false;
    const ac = new AbortController();
    const created = createContainer('c1', config, { signal: ac.signal });
    while (systemHandles(fake).length === 0) await nextTurn();
    await nextTurn();
    fake.notify(systemHandles(fake)[0]!, N.Create);
    queueMicrotask(() => ac.abort());
    fake.autoComplete = true; // the clean-up's terminate then ends with SystemExited
    await expect(created).rejects.toMatchObject({ name: 'AbortError' });
    await settleBackgroundWork();
    expect(fake.callsOf('terminateComputeSystem')).toHaveLength(1);
    expect(fake.callsOf('closeComputeSystem')).toHaveLength(1);
    expect(rt.registry.size).toBe(0);
    expect(fake.openHandles.size).toBe(0);
  });
});

describe('expectations', () => {
  it('a binding failure of the call itself leaves no expectation to steal the next completion', async () => {
    const { fake, rt } = setup();
    const c = await createContainer('c1', config);
    fake.once('startComputeSystem', () => {
      throw new Error('binding failure');
    });
    await expect(c.start({ timeoutMs: 500 })).rejects.toThrow('binding failure');
    expect(rt.registry.get(fake.contextOf(systemHandles(fake)[0]!)!)!.pendingCount).toBe(0);
    await expect(c.start({ timeoutMs: 2000 })).resolves.toBeUndefined();
    await c.close();
  });

  it('a ServiceDisconnect delivered late on an already failed handle does not fail handles opened since', async () => {
    const { fake } = setup();
    const a = await createContainer('a', config);
    const b = await createContainer('b', config);
    const [ha, hb] = systemHandles(fake);
    fake.notify(ha!, N.ServiceDisconnect);
    await expect(b.start()).rejects.toMatchObject({ code: 'ERR_HCS_SERVICE_DISCONNECT' });
    const c = await createContainer('c', config);
    fake.notify(hb!, N.ServiceDisconnect); // the same disconnect, delivered late on B's callback
    await expect(c.start()).resolves.toBeUndefined();
    await Promise.all([a.close(), b.close(), c.close()]);
  });
});

describe('concurrent operations of one type', () => {
  it("a completion taken by a call that then fails goes to the concurrent call it belongs to", async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const gate = fake.gate('startComputeSystem');
    const first = c.start({ timeoutMs: 2000 });
    await gate.entered;
    // The second start reaches HCS first: pending, and its StartCompleted arrives while the first is in flight,
    // so it goes to the oldest waiter, the first start's.
    const second = c.start({ timeoutMs: 2000 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    fake.once('startComputeSystem', () => ({ hr: 0xc0370105, result: null })); // the first is refused
    gate.release();
    await expect(first).rejects.toMatchObject({ hresult: 0xc0370105 });
    await expect(second).resolves.toBeUndefined();
    await c.close();
  });
});

describe('dropped waits', () => {
  it('a dropped Container.wait(), waitTimeout() or Process.wait({signal}) is no unhandled rejection on close', async () => {
    const { fake } = setup();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const c = await createContainer('c1', config);
      const p = await c.createProcess({ CommandLine: 'x' });
      void c.wait();
      void c.waitTimeout(60_000);
      void p.wait({ signal: new AbortController().signal });
      void p.waitTimeout(60_000);
      await p.close();
      await c.close();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
      expect(fake.openHandles.size).toBe(0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a wait ended by close names its operation', async () => {
    setup();
    const c = await createContainer('c1', config);
    const p = await c.createProcess({ CommandLine: 'x' });
    const waits = [c.wait(), p.wait()];
    await p.close();
    await c.close();
    const [system, proc] = await Promise.allSettled(waits);
    expect(system).toMatchObject({ status: 'rejected', reason: { code: 'ERR_HCS_ALREADY_CLOSED', operation: 'hcs::System::Wait' } });
    expect(proc).toMatchObject({ status: 'rejected', reason: { code: 'ERR_HCS_ALREADY_CLOSED', operation: 'hcs::Process::Wait' } });
  });
});

describe('process exits', () => {
  it("'exit' of a process whose exit came during registration reaches a listener attached after createProcess", async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.once('registerProcessCallback', (handle, context) => {
      fake.notifyContext(context as number, N.ProcessExited, 0, status(3));
      fake.registrations.set(0x9999n, { target: handle as bigint, context: context as number });
      return { hr: 0, value: 0x9999n };
    });
    const p = await c.createProcess({ CommandLine: 'cmd /c exit 3' });
    const exits = exitsHeard(p);
    await expect(p.wait()).resolves.toBe(3);
    await nextTurn();
    expect(exits).toEqual([3]);
    await p.close();
    await c.close();
  });

  it("'exit' of a process that had exited before openProcess reaches a listener attached after it", async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    fake.once('getProcessProperties', () => ({ hr: 0, result: null, value: status(9) }));
    const p = await c.openProcess(77);
    const exits = exitsHeard(p);
    await nextTurn();
    expect(exits).toEqual([9]);
    await p.close();
    await c.close();
  });

  it('after a kill, a status query saying the system is gone ends the waits with -1 instead of never', async () => {
    const { fake } = setup();
    const c = await createContainer('c1', config);
    const p = await c.createProcess({ CommandLine: 'x' });
    // The compute system is gone and ProcessExited was lost (pain point 6).
    fake.once('terminateProcess', () => ({ hr: 0xc037010e, result: null }));
    fake.once('getProcessProperties', () => ({ hr: 0xc037010e, result: null, value: null }));
    await expect(p.kill()).rejects.toMatchObject({ code: 'ERR_HCS_NOT_FOUND' });
    await expect(p.waitTimeout(3000)).resolves.toBe(-1);
    expect(p.exitError).toMatchObject({ code: 'ERR_HCS_NOT_FOUND', hresult: 0xc037010e });
    await p.close();
    await c.close();
  });
});
