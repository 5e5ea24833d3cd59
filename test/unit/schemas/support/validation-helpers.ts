import { HcsValidationError } from '../../../../schemas';
import { MAX_ARRAY_ITEMS } from '../../../../schemas/limits';

/** The message for an array longer than the limit (zod's maximum and the free-form walk say the same). */
export const TOO_LONG = `must have at most ${MAX_ARRAY_ITEMS} items`;

/** The message for a hole in a free-form array. */
export const HOLE = 'is missing: the array has a hole here (JSON arrays have none)';

/** The HcsValidationError `run` throws; fails the test when it throws nothing or something else. */
export function thrown(run: () => unknown): HcsValidationError {
  try {
    run();
  } catch (err) {
    if (err instanceof HcsValidationError) return err;
    throw err;
  }
  throw new Error('expected HcsValidationError');
}

/** An array of `length` holes: a few bytes, whatever the length. */
export function holes(length: number): unknown[] {
  const a: unknown[] = [];
  a.length = length;
  return a;
}
