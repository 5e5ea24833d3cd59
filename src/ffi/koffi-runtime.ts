import type * as KoffiModule from 'koffi';

/** The koffi module's type (for signatures in src/ffi; importing this type loads nothing). */
export type Koffi = typeof KoffiModule;

let cached: Koffi | undefined;

/**
 * Loads koffi on first use. Why lazily: the package root and `hcsshim-ts/schemas` must be importable on any OS,
 * including one without a koffi native package, and importing must not cost koffi's start-up; so nothing requires
 * koffi until the first call into vmcompute. Throws whatever `require` throws (the caller maps it).
 */
export function loadKoffi(): Koffi {
  if (cached === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as Koffi;
    raiseAsyncLimits(koffi);
    cached = koffi;
  }
  return cached;
}

/** How many sets of async-call memory koffi keeps allocated between calls (koffi's default is 8, its maximum 32). */
export const RESIDENT_ASYNC_POOLS = 32;

/**
 * How many `.async` calls plus foreign-thread callbacks koffi lets run or wait at once (its default is 256, its
 * maximum 4096). Each HCS notification and each completed overlapped pipe request (Windows stdio) enters koffi from
 * another thread and holds one slot until the JS thread has run it; `.async` vmcompute calls hold one from queueing
 * to completion. Past the limit koffi throws from the foreign thread, outside JS (at best the callback is lost and
 * a stream or wait hangs; likely the process crashes), so with ~100 streaming processes and a long GC pause 256 is
 * within reach. Slots past the resident ones are allocated only while in use.
 */
export const MAX_ASYNC_CALLS = 4096;

/**
 * Raises koffi's `resident_async_pools` to {@link RESIDENT_ASYNC_POOLS} and `max_async_calls` to
 * {@link MAX_ASYNC_CALLS}, keeping higher values and every other setting. Why the first: every vmcompute call is a
 * `.async` call, and koffi gives each call in flight (queued or running) its own stack and heap block set; beyond
 * the resident sets it allocates one per call and frees it afterwards. With dozens of calls in flight (32
 * containers starting at once) that churn cost about 60 us of JS-thread time per call here and halved lifecycle
 * throughput (issue #6 lifecycle: 1,250/s to 2,600-3,200/s with 32 in flight). The cost is memory: up to 32 x
 * 256 KiB stays reserved, touched pages resident. koffi accepts settings only before its first library load; when
 * another package in the process has loaded one already, koffi's settings are left as they are.
 */
export function raiseAsyncLimits(koffi: Pick<Koffi, 'config'>): void {
  try {
    const current = koffi.config();
    const resident = Math.max(current.resident_async_pools ?? 0, RESIDENT_ASYNC_POOLS);
    const maxCalls = Math.max(current.max_async_calls ?? 0, MAX_ASYNC_CALLS);
    if (resident === current.resident_async_pools && maxCalls === current.max_async_calls) return;
    koffi.config({ ...current, resident_async_pools: resident, max_async_calls: maxCalls });
  } catch {
    // Too late (a library is loaded) or refused: the defaults work, only slower under many concurrent calls.
  }
}

/** Whether koffi has been loaded by this module (for tests asserting laziness). */
export function isKoffiLoaded(): boolean {
  return cached !== undefined;
}
