import koffi from 'koffi';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined;

/** A full garbage collection, even when Node was started without --expose-gc. */
export function collectGarbage(): void {
  if (!gcFn) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gcFn = exposed;
    else {
      // Why: benchmark children run under tsx, which does not forward --expose-gc; the flag can still be set at
      // run time and `gc` read from a fresh context.
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
  gcFn();
}

/** RSS and JS heap in bytes after a full collection. */
export function memory(): { rss: number; heapUsed: number; external: number } {
  collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

let mallocTrim: ((pad: number) => number) | null | undefined;

/**
 * glibc's `malloc_trim(0)`: hands the free memory of every malloc arena back to the kernel. `false` where there is
 * no glibc (Windows, Wine, musl). Why the benchmarks use it: each thread that allocates can get an arena of its own
 * that keeps its freed chunks, so RSS after a busy phase depends on how the threads happened to contend (the same
 * soak ended +4 MB or +30 MB over its baseline depending on load, and +0.4 MB with MALLOC_ARENA_MAX=1). Trimming
 * before both readings leaves what is really still allocated.
 */
export function trimMalloc(): boolean {
  if (mallocTrim === undefined) {
    mallocTrim = null;
    if (process.platform === 'linux') {
      try {
        mallocTrim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)') as (pad: number) => number;
      } catch {
        // not glibc: RSS is read untrimmed
      }
    }
  }
  if (mallocTrim === null) return false;
  mallocTrim(0);
  return true;
}

/**
 * {@link memory} (after a full collection, untrimmed), then RSS again after {@link trimMalloc} (`trimmedRss`; the
 * same as `rss` where it cannot trim). Read in this order at both ends of a comparison, so that like meets like.
 */
export function memoryTrimmed(): ReturnType<typeof memory> & { trimmedRss: number; trimmed: boolean } {
  const m = memory();
  const trimmed = trimMalloc();
  return { ...m, trimmedRss: trimmed ? process.memoryUsage().rss : m.rss, trimmed };
}
