import { NotificationRegistry } from '../../../src/core/notification-registry';
import { NotificationType } from '../../../src/core/notification-types';
import { FakeVmcompute, N } from '../../support/fake-vmcompute';

function setup() {
  const fake = new FakeVmcompute();
  const registry = new NotificationRegistry(fake);
  return { fake, registry };
}

describe('NotificationRegistry', () => {
  it('installs the listener once, on first use, and hands out distinct non-zero contexts', () => {
    const { fake, registry } = setup();
    expect(fake.listenerSets).toBe(0);
    const a = registry.open({ kind: 'system', id: 'a' });
    const b = registry.open({ kind: 'system', id: 'b' });
    expect(fake.listenerSets).toBe(1);
    expect(a.context).not.toBe(0);
    expect(a.context).not.toBe(b.context);
    expect(registry.size).toBe(2);
  });

  it('latches an exit that arrives before anyone waits, for every later wait', async () => {
    const { fake, registry } = setup();
    const e = registry.open({ kind: 'system', id: 'a' });
    fake.notifyContext(e.context, N.SystemExited, 0, null);
    expect(e.exitOutcome).toEqual({ status: 0, data: null });
    await expect(e.exited()).resolves.toEqual({ status: 0, data: null });
    await expect(e.exited()).resolves.toEqual({ status: 0, data: null });
  });

  it('keeps the first exit and ignores duplicates', () => {
    const { fake, registry } = setup();
    const e = registry.open({ kind: 'process', id: 'a', pid: 4 });
    fake.notifyContext(e.context, N.ProcessExited, 0, 'first');
    fake.notifyContext(e.context, N.ProcessExited, 0, 'second');
    expect(e.exitOutcome?.data).toBe('first');
  });

  it('delivers a completion to the expectation armed before it, even when it arrives "early"', async () => {
    const { fake, registry } = setup();
    const e = registry.open({ kind: 'system', id: 'a' });
    const x = e.expect(N.Start, 'start');
    fake.notifyContext(e.context, N.Start, 0, null);
    await expect(x.promise).resolves.toEqual({ status: 0, data: null });
    expect(e.pendingCount).toBe(0);
  });

  it('ignores a completion nobody expects, so a late duplicate cannot satisfy a later operation', async () => {
    const { fake, registry } = setup();
    const e = registry.open({ kind: 'system', id: 'a' });
    fake.notifyContext(e.context, N.Pause, 0, null);
    const x = e.expect(N.Pause, 'pause');
    let settled = false;
    x.promise.then(() => (settled = true), () => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    fake.notifyContext(e.context, N.Pause, 0, 'real');
    await expect(x.promise).resolves.toEqual({ status: 0, data: 'real' });
  });

  it('floods of unknown and duplicate types neither throw nor grow anything', () => {
    const { fake, registry } = setup();
    const e = registry.open({ kind: 'system', id: 'a' });
    for (let i = 0; i < 10_000; i++) {
      fake.notifyContext(e.context, 6 + (i % 10), 0, 'x'.repeat(10));
      fake.notifyContext(e.context, N.Start, 0, null);
      fake.notifyContext(e.context, N.SystemExited, 0, null);
      fake.notifyContext(999_999, N.SystemExited, 0, null);
    }
    expect(e.pendingCount).toBe(0);
    expect(registry.size).toBe(1);
  });

  it('the listener only records and returns: microseconds per notification, even with waiters armed', () => {
    const { fake, registry } = setup();
    const entries = Array.from({ length: 100 }, (_, i) => registry.open({ kind: 'system', id: `s${i}` }));
    for (const e of entries) void e.exited();
    const n = 50_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fake.notifyContext(entries[i % entries.length]!.context, i % 3 === 0 ? N.SystemExited : 0x7777, 0, null);
    const perCallUs = Number(process.hrtime.bigint() - started) / 1000 / n;
    // Generous for a shared CI machine; a callback that did real work (parsing, waiting) would be far slower.
    expect(perCallUs).toBeLessThan(50);
    expect(registry.size).toBe(entries.length);
  });

  it('never throws from the listener, even for malformed arguments', () => {
    const { fake, registry } = setup();
    registry.open({ kind: 'system', id: 'a' });
    expect(() => fake.listener!(NaN, NaN, NaN, {} as unknown as string)).not.toThrow();
  });

  it('rejects pending completions with ERR_HCS_UNEXPECTED_EXIT when the system exits first', async () => {
    const { fake, registry } = setup();
    const e = registry.open({ kind: 'system', id: 'a' });
    const x = e.expect(N.Start, 'hcs::System::Start');
    fake.notifyContext(e.context, N.SystemExited, 0, null);
    await expect(x.promise).rejects.toMatchObject({ code: 'ERR_HCS_UNEXPECTED_EXIT', operation: 'hcs::System::Start' });
    await expect(e.expect(N.Pause, 'p').promise).rejects.toMatchObject({ code: 'ERR_HCS_UNEXPECTED_EXIT' });
  });

  it('ServiceDisconnect fails every pending wait on every handle; later handles are unaffected', async () => {
    const { fake, registry } = setup();
    const a = registry.open({ kind: 'system', id: 'a' });
    const b = registry.open({ kind: 'process', id: 'a', pid: 9 });
    const waits = [a.expect(N.Start, 's').promise, a.exited(), b.exited()];
    fake.notifyContext(b.context, NotificationType.ServiceDisconnect, 0, null);
    for (const w of waits) await expect(w).rejects.toMatchObject({ code: 'ERR_HCS_SERVICE_DISCONNECT' });
    expect(a.failureFor('x')?.code).toBe('ERR_HCS_SERVICE_DISCONNECT');
    await expect(a.expect(N.Pause, 'p').promise).rejects.toMatchObject({ code: 'ERR_HCS_SERVICE_DISCONNECT' });
    const c = registry.open({ kind: 'system', id: 'c' });
    expect(c.failed).toBe(false);
  });

  it('accepts the v2 ServiceDisconnect value too', async () => {
    const { fake, registry } = setup();
    const a = registry.open({ kind: 'system', id: 'a' });
    fake.notifyContext(a.context, 0x02000000, 0, null);
    await expect(a.exited()).rejects.toMatchObject({ code: 'ERR_HCS_SERVICE_DISCONNECT' });
  });

  it('drops notifications for a removed entry', () => {
    const { fake, registry } = setup();
    const a = registry.open({ kind: 'system', id: 'a' });
    a.remove();
    a.remove();
    expect(registry.size).toBe(0);
    fake.notifyContext(a.context, N.SystemExited, 0, null);
    expect(a.exitOutcome).toBeUndefined();
  });

  it('a cancelled expectation leaves nothing behind', async () => {
    const { registry } = setup();
    const a = registry.open({ kind: 'system', id: 'a' });
    const x = a.expect(N.Start, 's');
    x.cancel(new Error('gave up'));
    expect(a.pendingCount).toBe(0);
    await expect(x.promise).rejects.toThrow('gave up');
  });
});
