import { KeepAlive } from '../../../src/core/keep-alive';
import { raceWait } from '../../../src/core/wait';
import { timeoutFor } from '../../../src/core/timeouts';
import { HcsValidationError } from '../../../src/errors';

function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

describe('raceWait', () => {
  it('holds the keep-alive while waiting and drops it afterwards', async () => {
    const keepAlive = new KeepAlive();
    let resolve!: (v: number) => void;
    const p = raceWait(new Promise<number>((r) => (resolve = r)), { operation: 'op', keepAlive });
    expect(keepAlive.count).toBe(1);
    expect(keepAlive.active).toBe(true);
    resolve(7);
    await expect(p).resolves.toBe(7);
    expect(keepAlive.count).toBe(0);
    expect(keepAlive.active).toBe(false);
  });

  it('with nothing to race returns the work itself, and drops the keep-alive when it rejects', async () => {
    const keepAlive = new KeepAlive();
    let reject!: (e: Error) => void;
    const work = new Promise<number>((_, r) => (reject = r));
    const p = raceWait(work, { operation: 'op', keepAlive });
    expect(p).toBe(work);
    expect(keepAlive.count).toBe(1);
    reject(new Error('closed'));
    await expect(p).rejects.toThrow('closed');
    expect(keepAlive.count).toBe(0);
    expect(keepAlive.active).toBe(false);
  });

  it('rejects with ERR_HCS_TIMEOUT, releases the keep-alive and calls onGiveUp', async () => {
    const keepAlive = new KeepAlive();
    const gaveUp = jest.fn();
    const p = raceWait(never(), { operation: 'hcs::System::Wait', id: 'c1', timeoutMs: 10, keepAlive, onGiveUp: gaveUp });
    await expect(p).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT', operation: 'hcs::System::Wait', id: 'c1' });
    expect(gaveUp).toHaveBeenCalledTimes(1);
    expect(keepAlive.count).toBe(0);
  });

  it('clears its timer when the work wins', async () => {
    const spy = jest.spyOn(global, 'clearTimeout');
    await raceWait(Promise.resolve(1), { operation: 'op', timeoutMs: 60_000, keepAlive: new KeepAlive() });
    expect(spy).toHaveBeenCalled();
    spy.mockRestore();
  });

  it('rejects with an AbortError carrying signal.reason, and removes its listener', async () => {
    const ac = new AbortController();
    const keepAlive = new KeepAlive();
    const add = jest.spyOn(ac.signal, 'addEventListener');
    const remove = jest.spyOn(ac.signal, 'removeEventListener');
    const p = raceWait(never(), { operation: 'op', signal: ac.signal, keepAlive });
    const reason = new Error('stop');
    ac.abort(reason);
    await expect(p).rejects.toMatchObject({ name: 'AbortError', cause: reason });
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledTimes(1);
    expect(keepAlive.count).toBe(0);
  });

  it('rejects at once for an already-aborted signal without holding the keep-alive', async () => {
    const keepAlive = new KeepAlive();
    const ac = new AbortController();
    ac.abort('why');
    await expect(raceWait(never(), { operation: 'op', signal: ac.signal, keepAlive })).rejects.toMatchObject({ name: 'AbortError', cause: 'why' });
    expect(keepAlive.count).toBe(0);
  });

  it('a late rejection of the work after a timeout is not an unhandled rejection', async () => {
    let reject!: (e: unknown) => void;
    const work = new Promise<never>((_, r) => (reject = r));
    await expect(raceWait(work, { operation: 'op', timeoutMs: 1, keepAlive: new KeepAlive() })).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT' });
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    reject(new Error('late'));
    await new Promise((r) => setImmediate(r));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('timed-out waits on a long-lived promise do not pile up reactions on it (one, however many waits)', async () => {
    let resolve!: (v: number) => void;
    const work = new Promise<number>((r) => (resolve = r));
    const then = jest.spyOn(work, 'then');
    const keepAlive = new KeepAlive();
    for (let i = 0; i < 50; i++) {
      await expect(raceWait(work, { operation: 'op', timeoutMs: 0, keepAlive })).rejects.toMatchObject({ code: 'ERR_HCS_TIMEOUT' });
    }
    expect(then).toHaveBeenCalledTimes(1);
    // The ones still waiting when it settles all get the value; one started afterwards gets it too.
    const late = [raceWait(work, { operation: 'op', timeoutMs: 1000, keepAlive }), raceWait(work, { operation: 'op', timeoutMs: 1000, keepAlive })];
    resolve(7);
    await expect(Promise.all(late)).resolves.toEqual([7, 7]);
    await expect(raceWait(work, { operation: 'op', timeoutMs: 1000, keepAlive })).resolves.toBe(7);
    expect(keepAlive.count).toBe(0);
  });
});

describe('KeepAlive', () => {
  it('counts holders; releasing twice counts once', () => {
    const k = new KeepAlive();
    const r1 = k.acquire();
    const r2 = k.acquire();
    expect(k.count).toBe(2);
    r1();
    r1();
    expect(k.count).toBe(1);
    expect(k.active).toBe(true);
    r2();
    expect(k.count).toBe(0);
    expect(k.active).toBe(false);
  });

  it('uses a real timer even when the global timer functions are faked at its first use', () => {
    jest.useFakeTimers();
    let k: KeepAlive;
    let release: () => void;
    try {
      k = new KeepAlive();
      release = k.acquire();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
    expect(k.active).toBe(true);
    release();
    expect(k.active).toBe(false);
  });

  it('holds Node again when taken after a full release', () => {
    const k = new KeepAlive();
    k.acquire()();
    expect(k.active).toBe(false);
    const release = k.acquire();
    expect(k.active).toBe(true);
    release();
    expect(k.active).toBe(false);
  });
});

describe('timeoutFor', () => {
  const env = process.env.HCSSHIM_TIMEOUT_SYSTEMSTART;
  afterEach(() => {
    if (env === undefined) delete process.env.HCSSHIM_TIMEOUT_SYSTEMSTART;
    else process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = env;
  });

  it('defaults to 4 minutes', () => {
    delete process.env.HCSSHIM_TIMEOUT_SYSTEMSTART;
    expect(timeoutFor('SystemStart')).toBe(240_000);
  });

  it('reads HCSSHIM_TIMEOUT_<OP> in seconds and ignores invalid values', () => {
    process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = '7';
    expect(timeoutFor('SystemStart')).toBe(7000);
    process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = '-3';
    expect(timeoutFor('SystemStart')).toBe(240_000);
    process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = 'soon';
    expect(timeoutFor('SystemStart')).toBe(240_000);
  });

  it('cuts an environment value beyond the longest Node timer to it (a huge value means "no timeout" in hcsshim)', () => {
    process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = '99999999';
    expect(timeoutFor('SystemStart')).toBe(0x7fffffff);
    process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = '2147483';
    expect(timeoutFor('SystemStart')).toBe(2_147_483_000);
  });

  it('lets timeoutMs win over the environment', () => {
    process.env.HCSSHIM_TIMEOUT_SYSTEMSTART = '7';
    expect(timeoutFor('SystemStart', 50)).toBe(50);
  });
});

describe('timeout validation', () => {
  it('rejects NaN, negative, too-large and non-number timeouts with HcsValidationError, without holding the keep-alive', async () => {
    const keepAlive = new KeepAlive();
    for (const ms of [NaN, -1, 2 ** 31, null, '5'] as number[]) {
      await expect(raceWait(never(), { operation: 'op', timeoutMs: ms, keepAlive })).rejects.toBeInstanceOf(HcsValidationError);
      expect(() => timeoutFor('SystemStart', ms)).toThrow(HcsValidationError);
    }
    expect(keepAlive.count).toBe(0);
  });

  it('a signal that aborts while its listener is being added gives the race up, holding nothing', async () => {
    const keepAlive = new KeepAlive();
    const onGiveUp = jest.fn();
    const signal = {
      aborted: false,
      reason: new Error('gone'),
      addEventListener: (_type: string, listener: () => void) => listener(),
      removeEventListener: () => {
        throw new Error('cannot remove');
      },
    };
    await expect(raceWait(never(), { operation: 'op', timeoutMs: 60_000, signal: signal as never, keepAlive, onGiveUp })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(keepAlive.count).toBe(0);
    expect(onGiveUp).toHaveBeenCalledTimes(1);
  });

  it('a signal whose addEventListener throws takes no keep-alive and leaves no timer', async () => {
    const keepAlive = new KeepAlive();
    const signal = { aborted: false, addEventListener: () => { throw new Error('boom'); }, removeEventListener: () => {} };
    const onGiveUp = jest.fn();
    await expect(raceWait(never(), { operation: 'op', timeoutMs: 60_000, signal: signal as never, keepAlive, onGiveUp })).rejects.toThrow('boom');
    expect(keepAlive.count).toBe(0);
    expect(onGiveUp).toHaveBeenCalledWith(expect.objectContaining({ message: 'boom' }));
  });
});
