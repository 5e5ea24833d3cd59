import fc from 'fast-check';
import { HcsError } from '../../../src/errors';
import { type HandleKind, NotificationRegistry, type RegistryEntry } from '../../../src/core/notification-registry';
import type { NotificationListener } from '../../../src/ffi/types';

const T = {
  SystemExited: 1,
  CreateCompleted: 2,
  StartCompleted: 3,
  PauseCompleted: 4,
  ResumeCompleted: 5,
  ProcessExited: 0x10000,
  Disconnect: 0x01000000,
  DisconnectV2: 0x02000000,
};
const completions = [T.CreateCompleted, T.StartCompleted, T.PauseCompleted, T.ResumeCompleted];

/** Any notification type: the known ones often, plus anything a uint32 (or a sign-extended int32) can hold. */
const anyType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...Object.values(T)) },
  { weight: 1, arbitrary: fc.constantFrom(0, 6, 7, 8, 0xa, 0xf, 0x20000, 0xffffffff, -1) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }) },
);
const anyStatus = fc.oneof(fc.constantFrom(0, 0xc0370103, -2143878903, 0x80370110), fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }));
const anyData = fc.oneof(fc.constant(null), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 20 }));

type Action =
  | { k: 'open'; kind: HandleKind }
  | { k: 'expect'; e: number; type: number }
  | { k: 'notify'; target: number | 'stray'; stray: number; type: number; status: number; data: string | null; times: number }
  | { k: 'cancel'; x: number; withReason: boolean }
  | { k: 'fail'; e: number }
  | { k: 'remove'; e: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant('open' as const), kind: fc.constantFrom<HandleKind>('system', 'process') }) },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('expect' as const), e: fc.nat(3), type: fc.oneof(fc.constantFrom(...completions), anyType) }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      k: fc.constant('notify' as const),
      target: fc.oneof({ weight: 5, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: fc.constant('stray' as const) }),
      stray: fc.oneof(fc.constantFrom(0, -1, 2 ** 31, 2 ** 53), fc.integer()),
      type: anyType,
      status: anyStatus,
      data: anyData,
      times: fc.constantFrom(1, 1, 1, 2, 3),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancel' as const), x: fc.nat(), withReason: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('fail' as const), e: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remove' as const), e: fc.nat(3) }) },
);

type Settled = { state: 'pending' } | { state: 'resolved'; status: number; data: string | null } | { state: 'rejected'; code: string };

interface ModelExpectation {
  type: number;
  expected: Settled;
  observed: Settled;
  cancel: (reason?: unknown) => void;
  entry: ModelEntry;
}

interface ModelEntry {
  real: RegistryEntry;
  kind: HandleKind;
  removed: boolean;
  failure?: string;
  exit?: { status: number; data: string | null };
  pending: ModelExpectation[];
  exitedObserved: Settled;
}

function track(promise: Promise<{ status: number; data: string | null }>, into: { observed: Settled }): void {
  promise.then(
    (o) => {
      if (into.observed.state !== 'pending') throw new Error('settled twice');
      into.observed = { state: 'resolved', status: o.status, data: o.data };
    },
    (err: unknown) => {
      if (into.observed.state !== 'pending') throw new Error('settled twice');
      into.observed = { state: 'rejected', code: (err as { code?: string }).code ?? String(err) };
    },
  );
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function runSequence(actions: Action[]): Promise<void> {
  let listener: NotificationListener | undefined;
  const registry = new NotificationRegistry({ setNotificationListener: (l) => (listener = l) });
  const entries: ModelEntry[] = [];
  const expectations: ModelExpectation[] = [];
  const live = () => entries.filter((e) => !e.removed);

  for (const a of actions) {
    if (a.k === 'open') {
      const real = registry.open({ kind: a.kind, id: `sys-${entries.length}`, ...(a.kind === 'process' ? { pid: 100 + entries.length } : {}) });
      const entry: ModelEntry = { real, kind: a.kind, removed: false, pending: [], exitedObserved: { state: 'pending' } };
      const holder = { observed: entry.exitedObserved };
      track(real.exited(), holder);
      Object.defineProperty(entry, 'exitedObserved', { get: () => holder.observed });
      entries.push(entry);
      continue;
    }
    if (entries.length === 0) continue;
    const pick = a.k === 'notify' ? (a.target === 'stray' ? 0 : a.target) : 'e' in a ? a.e : 0;
    const entry = entries[pick % entries.length]!;
    switch (a.k) {
      case 'expect': {
        const x = entry.real.expect(a.type, 'op');
        const m: ModelExpectation = { type: a.type, expected: { state: 'pending' }, observed: { state: 'pending' }, cancel: x.cancel, entry };
        track(x.promise, m);
        if (entry.failure) m.expected = { state: 'rejected', code: entry.failure };
        else if (entry.exit) m.expected = { state: 'rejected', code: 'ERR_HCS_UNEXPECTED_EXIT' };
        else entry.pending.push(m);
        expectations.push(m);
        break;
      }
      case 'cancel': {
        if (expectations.length === 0) break;
        const m = expectations[a.x % expectations.length]!;
        m.cancel(a.withReason ? new HcsError({ code: 'ERR_HCS_TIMEOUT', message: 'timed out' }) : undefined);
        const i = m.entry.pending.indexOf(m);
        if (i >= 0) {
          m.entry.pending.splice(i, 1);
          if (a.withReason) m.expected = { state: 'rejected', code: 'ERR_HCS_TIMEOUT' };
        }
        break;
      }
      case 'fail':
        entry.real.fail(() => new HcsError({ code: 'ERR_HCS_ALREADY_CLOSED', message: 'closed' }));
        if (!entry.failure) {
          entry.failure = 'ERR_HCS_ALREADY_CLOSED';
          for (const m of entry.pending.splice(0)) m.expected = { state: 'rejected', code: entry.failure };
        }
        break;
      case 'remove':
        entry.real.remove();
        entry.removed = true;
        break;
      case 'notify': {
        if (!listener) break;
        const context = a.target === 'stray' ? a.stray : entry.real.context;
        for (let n = 0; n < a.times; n++) {
          expect(() => listener!(a.type, context, a.status, a.data)).not.toThrow();
          const type = a.type >>> 0;
          const status = a.status >>> 0;
          if (type === T.Disconnect || type === T.DisconnectV2) {
            // Fans out only from a live entry that has not failed yet: a late copy must not fail newer handles.
            const source = live().find((e) => e.real.context === context);
            if (!source || source.failure) continue;
            for (const e of live()) {
              if (e.failure) continue;
              e.failure = 'ERR_HCS_SERVICE_DISCONNECT';
              for (const m of e.pending.splice(0)) m.expected = { state: 'rejected', code: e.failure };
            }
            continue;
          }
          const target = live().find((e) => e.real.context === context);
          if (!target || target.failure) continue;
          const exitType = target.kind === 'system' ? T.SystemExited : T.ProcessExited;
          if (type === exitType) {
            if (target.exit) continue;
            target.exit = { status, data: a.data };
            for (const m of target.pending.splice(0)) m.expected = { state: 'rejected', code: 'ERR_HCS_UNEXPECTED_EXIT' };
          } else if (target.kind === 'system' && completions.includes(type)) {
            const i = target.pending.findIndex((m) => m.type === type);
            if (i >= 0) target.pending.splice(i, 1)[0]!.expected = { state: 'resolved', status, data: a.data };
          }
        }
        break;
      }
    }
  }
  await flush();

  expect(registry.size).toBe(live().length);
  for (const e of entries) {
    expect(e.real.pendingCount).toBe(e.pending.length);
    if (e.exit) {
      expect(e.real.exitOutcome).toEqual(e.exit);
      expect(e.exitedObserved).toEqual({ state: 'resolved', ...e.exit });
    } else if (e.failure) {
      expect(e.exitedObserved).toEqual({ state: 'rejected', code: e.failure });
    } else {
      expect(e.exitedObserved).toEqual({ state: 'pending' });
    }
    expect(e.real.failed).toBe(e.failure !== undefined);
    expect(e.real.failureFor('op')?.code).toBe(e.failure);
  }
  for (const m of expectations) expect(m.observed).toEqual(m.expected);
}

describe('registry fuzz: random notification sequences never break an invariant', () => {
  it('matches a reference model for any types, statuses, orders, duplicates and stray contexts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 60 }), async (actions) => {
        await runSequence(actions);
      }),
      { numRuns: 300 },
    );
  });

  it('a flood of unknown and duplicate notifications does not grow any entry', async () => {
    let listener: NotificationListener | undefined;
    const registry = new NotificationRegistry({ setNotificationListener: (l) => (listener = l) });
    const system = registry.open({ kind: 'system', id: 'flood' });
    const start = system.expect(T.StartCompleted, 'start');
    for (let i = 0; i < 50_000; i++) listener!(0x1000 + (i % 97), system.context, 0, 'x');
    for (let i = 0; i < 1_000; i++) listener!(T.CreateCompleted, system.context, 0, null);
    expect(system.pendingCount).toBe(1);
    listener!(T.StartCompleted, system.context, 0, null);
    await expect(start.promise).resolves.toEqual({ status: 0, data: null });
    expect(system.pendingCount).toBe(0);
    expect(registry.size).toBe(1);
  });
});
