import { MAX_ASYNC_CALLS, RESIDENT_ASYNC_POOLS, raiseAsyncLimits } from '../../../src/ffi/koffi-runtime';

type Config = Record<string, number | undefined>;

/** A stand-in for koffi.config(): reads, or applies settings unless `refuse` says it is too late. */
function fakeKoffi(initial: Config, refuse = false) {
  let current = { ...initial };
  const applied: Config[] = [];
  const config = ((next?: Config) => {
    if (next === undefined) return { ...current };
    if (refuse) throw new Error('Cannot change Koffi configuration once a library has been loaded');
    applied.push(next);
    current = { ...next };
    return { ...current };
  }) as never;
  return { koffi: { config }, applied, read: () => current };
}

describe('raiseAsyncLimits', () => {
  it('raises resident_async_pools and max_async_calls and keeps every other setting', () => {
    const fake = fakeKoffi({ resident_async_pools: 8, async_stack_size: 131072, max_async_calls: 256 });
    raiseAsyncLimits(fake.koffi);
    expect(fake.read()).toEqual({ resident_async_pools: RESIDENT_ASYNC_POOLS, async_stack_size: 131072, max_async_calls: MAX_ASYNC_CALLS });
  });

  it('leaves equal or higher settings alone', () => {
    const fake = fakeKoffi({ resident_async_pools: RESIDENT_ASYNC_POOLS, max_async_calls: MAX_ASYNC_CALLS });
    raiseAsyncLimits(fake.koffi);
    expect(fake.applied).toHaveLength(0);
  });

  it('raises only the one that is lower', () => {
    const fake = fakeKoffi({ resident_async_pools: RESIDENT_ASYNC_POOLS, max_async_calls: 300 });
    raiseAsyncLimits(fake.koffi);
    expect(fake.read()).toEqual({ resident_async_pools: RESIDENT_ASYNC_POOLS, max_async_calls: MAX_ASYNC_CALLS });
  });

  it('does not throw when koffi refuses new settings (a library is already loaded)', () => {
    const fake = fakeKoffi({ resident_async_pools: 8 }, true);
    expect(() => raiseAsyncLimits(fake.koffi)).not.toThrow();
    expect(fake.read().resident_async_pools).toBe(8);
  });
});
