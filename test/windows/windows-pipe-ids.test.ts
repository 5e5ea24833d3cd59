import { RequestIds } from '../../src/ffi/windows-pipe-ids';

// Pure logic (no koffi): runs on every lane. The Windows-lane tests in windows-pipe.test.ts drive the same allocator
// through real pipes.
describe('pipe request ids', () => {
  it('count up to Number.MAX_SAFE_INTEGER by default, not to 2^31 - 1', () => {
    const ids = new RequestIds(undefined, 0x7fffffff);
    const free = (): boolean => false;
    expect([ids.next(free), ids.next(free), ids.next(free)]).toEqual([0x7fffffff, 0x80000000, 0x80000001]);
    expect(ids.last).toBe(Number.MAX_SAFE_INTEGER);
    const top = new RequestIds(undefined, Number.MAX_SAFE_INTEGER);
    expect([top.next(free), top.next(free)]).toEqual([Number.MAX_SAFE_INTEGER, 1]);
  });

  it('never hands out an id still in use when they wrap around (an idle pipe keeps its read pending)', () => {
    const ids = new RequestIds(4);
    const pending = new Set<number>();
    const inUse = (id: number): boolean => pending.has(id);
    const take = (): number => {
      const id = ids.next(inUse);
      pending.add(id);
      return id;
    };
    const idleRead = take(); // 1, pending forever
    const others: number[] = [];
    for (let i = 0; i < 10; i++) {
      const id = take();
      others.push(id);
      pending.delete(id); // completes at once
    }
    expect(idleRead).toBe(1);
    expect(others).not.toContain(1);
    expect(others).toEqual([2, 3, 4, 2, 3, 4, 2, 3, 4, 2]);
  });

  it('fails clearly rather than spinning when every id of the range is in use', () => {
    const ids = new RequestIds(3);
    expect(() => ids.next(() => true)).toThrow('all 3 pipe request ids are in use');
  });

  it('rejects ranges that are not safe positive integers', () => {
    expect(() => new RequestIds(0)).toThrow(RangeError);
    expect(() => new RequestIds(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => new RequestIds(10, 11)).toThrow(RangeError);
    expect(() => new RequestIds(10, 0)).toThrow(RangeError);
  });
});
