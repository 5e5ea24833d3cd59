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
