import fc from 'fast-check';
import { closestKey } from '../../../schemas/issues';

/** Optimal string alignment distance, the plain full-table way. */
function osa(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The rule closestKey documents, with every candidate measured: an exact case-insensitive match, else the first of the
 * nearest candidates within the bound.
 */
function reference(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const exact = known.find((k) => k.toLowerCase() === key.toLowerCase());
  if (exact !== undefined) return exact;
  const limit = Math.max(1, Math.floor(key.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = osa(key.toLowerCase(), candidate.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

const KNOWN = ['Ids', 'Types', 'Names', 'Owners', 'CommandLine', 'CommandArgs', 'CreateInUtilityVm', 'CreateInUtilityVM', 'Path', 'ID'];

describe('closestKey', () => {
  test('skipping candidates by length never changes the suggestion', () => {
    // Known keys with a few insertions or deletions ('İ' lower-cases to two characters), and unrelated strings.
    const edit = (k: string, [at, c]: [number, string]): string => {
      const i = at % (k.length + 1);
      return k.slice(0, i) + c + k.slice(i + (c === '' ? 1 : 0));
    };
    const mutated = fc
      .tuple(fc.constantFrom(...KNOWN), fc.array(fc.tuple(fc.nat(40), fc.constantFrom('', 'x', 'İ', 'e', 'a')), { maxLength: 4 }))
      .map(([key, edits]) => edits.reduce(edit, key));
    fc.assert(
      fc.property(fc.oneof(mutated, fc.string({ maxLength: 20 })), fc.shuffledSubarray(KNOWN), (key, known) => {
        expect(closestKey(key, known)).toBe(reference(key, known));
      }),
      { numRuns: 3000 },
    );
  });

  test('keys longer than 64 characters get no suggestion, even one letter away from a known key', () => {
    const known = ['x'.repeat(65)];
    expect(closestKey('x'.repeat(64), ['x'.repeat(64)])).toBe('x'.repeat(64));
    expect(closestKey('x'.repeat(65), known)).toBeUndefined();
    expect(closestKey('y'.repeat(4 * 1024 * 1024), KNOWN)).toBeUndefined();
  });
});
