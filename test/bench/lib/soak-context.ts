import { AbortError, HcsError, HcsValidationError } from '../../../src/index';

/** A seeded PRNG (mulberry32): the same seed replays the same choices, so a failing soak can be rerun. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** What the soak counts while it runs. */
export interface SoakCounters {
  operations: number;
  faultsInjected: number;
  faultsRejectedBySimulator: number;
  faultsByMode: Record<string, number>;
  errorsByCode: Record<string, number>;
  scenarios: Record<string, number>;
  /** Broken invariants: any entry fails the soak. */
  violations: string[];
}

/** Shared state of one soak run, handed to every scenario. */
export class SoakContext {
  readonly counters: SoakCounters = {
    operations: 0,
    faultsInjected: 0,
    faultsRejectedBySimulator: 0,
    faultsByMode: {},
    errorsByCode: {},
    scenarios: {},
    violations: [],
  };
  /** Incremented by every fault injection: a scenario that saw no change may assert exact results. */
  faultEpoch = 0;
  #nextId = 0;

  constructor(
    readonly random: Random,
    /** The timeout given to every operation that accepts one (ms). */
    readonly opTimeoutMs: number,
    /** Prefix of compute system ids, unique per run. */
    readonly prefix: string,
    /** How long past its timeout an operation may take before it counts as a hang (ms). */
    readonly hangGraceMs = 5000,
  ) {}

  /** A fresh compute system id. */
  newId(): string {
    return `${this.prefix}-${this.#nextId++}`;
  }

  /** Records a broken invariant (kept short: the first few are printed). */
  violation(message: string): void {
    this.counters.violations.push(message);
  }

  /** Counts `key` in `table`. */
  bump(table: Record<string, number>, key: string): void {
    table[key] = (table[key] ?? 0) + 1;
  }

  /**
   * Classifies a rejection: an `HcsError` or `HcsValidationError` with a code is expected (counted by code); an
   * `AbortError` is expected only where the scenario aborted; anything else is a violation.
   */
  classify(err: unknown, where: string, abortExpected = false): string {
    if (err instanceof HcsValidationError) {
      if (err.code !== 'ERR_HCS_INVALID_CONFIG' || err.issues.length === 0) this.violation(`${where}: malformed HcsValidationError`);
      this.bump(this.counters.errorsByCode, err.code);
      return err.code;
    }
    if (err instanceof HcsError) {
      if (typeof err.code !== 'string' || !err.code.startsWith('ERR_HCS_')) this.violation(`${where}: HcsError without a code`);
      this.bump(this.counters.errorsByCode, err.code);
      return err.code;
    }
    if (err instanceof AbortError && abortExpected) {
      this.bump(this.counters.errorsByCode, 'AbortError');
      return 'AbortError';
    }
    const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    this.violation(`${where}: not an HcsError: ${text.slice(0, 300)}`);
    return 'foreign';
  }

  /**
   * Runs one operation: counts it, fails the soak if it does not settle within its timeout plus a grace period
   * (a hang), and returns its value or the classified error code.
   */
  async op<T>(where: string, run: () => Promise<T>, opts: { abortExpected?: boolean; limitMs?: number } = {}): Promise<{ ok: true; value: T } | { ok: false; code: string; error: unknown }> {
    this.counters.operations++;
    const limit = opts.limitMs ?? this.opTimeoutMs + this.hangGraceMs;
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<'hang'>((resolve) => {
      timer = setTimeout(() => resolve('hang'), limit);
    });
    try {
      const outcome = await Promise.race([run().then((value) => ({ value })), hang]);
      if (outcome === 'hang') {
        this.violation(`${where}: did not settle within ${limit} ms`);
        return { ok: false, code: 'hang', error: new Error('hang') };
      }
      return { ok: true, value: outcome.value };
    } catch (err) {
      return { ok: false, code: this.classify(err, where, opts.abortExpected), error: err };
    } finally {
      clearTimeout(timer);
    }
  }
}
