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
    cached = require('koffi') as Koffi;
  }
  return cached;
}

/** Whether koffi has been loaded by this module (for tests asserting laziness). */
export function isKoffiLoaded(): boolean {
  return cached !== undefined;
}
