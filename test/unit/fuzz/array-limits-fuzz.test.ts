import fc from 'fast-check';
import {
  encodeComputeSystemQuery,
  encodeContainerConfig,
  encodeProcessConfig,
  encodePropertyQuery,
  encodeResourceModificationRequest,
  HcsValidationError,
  validateDocument,
  type DocumentKind,
} from '../../../schemas';
import { MAX_ARRAY_ITEMS, MAX_LISTED_ISSUES } from '../../../schemas/limits';
import { TOO_LONG, HOLE } from '../schemas/support/validation-helpers';
import { onWindows } from '../../support/lanes';

// Why more room on the Windows lane: three jest workers share 2 cores with Wine there (seen: single cases of 624 ms
// under load); walking an array of 2^32-1 items, which this guards against, takes minutes.
const CASE_LIMIT_MS = onWindows ? 8000 : 2000;

interface Placement {
  path: string;
  kind: DocumentKind;
  /** Typed lists report each hole (zod checks every item); free-form arrays report their first hole only. */
  typed: boolean;
  place: (array: unknown[]) => unknown;
  encode: (doc: unknown) => string;
}

// Every list of strings, and free-form arrays at a few depths: a string is a valid item of each.
const placements: Placement[] = [
  { path: 'CommandArgs', kind: 'process', typed: true, place: (a) => ({ CommandArgs: a }), encode: encodeProcessConfig },
  { path: 'EndpointList', kind: 'container', typed: true, place: (a) => ({ Name: 'c', EndpointList: a }), encode: encodeContainerConfig },
  { path: 'Ids', kind: 'query', typed: true, place: (a) => ({ Ids: a }), encode: encodeComputeSystemQuery },
  { path: 'Owners', kind: 'query', typed: true, place: (a) => ({ Owners: a }), encode: encodeComputeSystemQuery },
  { path: 'PropertyTypes', kind: 'property-query', typed: true, place: (a) => ({ PropertyTypes: a }), encode: encodePropertyQuery },
  { path: 'OCISpecification.process.args', kind: 'process', typed: false, place: (a) => ({ OCISpecification: { process: { args: a } } }), encode: encodeProcessConfig },
  { path: 'Settings', kind: 'modify', typed: false, place: (a) => ({ ResourceType: 'Network', Settings: a }), encode: encodeResourceModificationRequest },
  { path: 'Settings.a[0]', kind: 'modify', typed: false, place: (a) => ({ ResourceType: 'Network', Settings: { a: [a] } }), encode: encodeResourceModificationRequest },
];

/**
 * An array of `length` with holes: `dense` ones are filled and then have the `marked` indices deleted; the others
 * hold items at the `marked` indices only (the rest are holes).
 */
interface Shape {
  length: number;
  dense: boolean;
  marked: number[];
}

const shape: fc.Arbitrary<Shape> = fc.oneof(
  // Short arrays, either way.
  fc.record({ length: fc.nat(40), dense: fc.boolean(), marked: fc.uniqueArray(fc.nat(45), { maxLength: 45 }) }),
  // Around the limit: filled, with a few holes punched (an array of 16384 holes is checked in array-limits.test.ts).
  fc.record({
    length: fc.integer({ min: MAX_ARRAY_ITEMS - 2, max: MAX_ARRAY_ITEMS + 2 }),
    dense: fc.constant(true),
    marked: fc.uniqueArray(fc.integer({ min: 0, max: MAX_ARRAY_ITEMS + 1 }), { maxLength: 3 }),
  }),
  // Far beyond it: a length that costs nothing to set, up to the largest an array can have.
  fc.record({
    length: fc.integer({ min: MAX_ARRAY_ITEMS + 1, max: 2 ** 32 - 1 }),
    dense: fc.constant(false),
    marked: fc.uniqueArray(fc.nat(45), { maxLength: 5 }),
  }),
);

function build({ length, dense, marked }: Shape): unknown[] {
  const a: unknown[] = dense ? new Array<unknown>(length).fill('x') : [];
  a.length = length;
  for (const i of marked) {
    if (i >= length) continue;
    if (dense) delete a[i];
    else a[i] = 'x';
  }
  return a;
}

/** The indices below `length` that hold nothing, in order (only computed for short or dense arrays). */
function holesOf({ length, dense, marked }: Shape): number[] {
  const inside = marked.filter((i) => i < length);
  if (dense) return inside.sort((x, y) => x - y);
  const present = new Set(inside);
  return Array.from({ length }, (_, i) => i).filter((i) => !present.has(i));
}

describe('array limits fuzz: any length, any holes, anywhere', () => {
  it('a too-long array is refused by its length, a hole at its index, a whole array is accepted; each at once', () => {
    fc.assert(
      fc.property(fc.constantFrom(...placements), shape, (at, s) => {
        const doc = at.place(build(s));
        const started = Date.now();
        const issues = validateDocument(at.kind, doc);
        expect(Date.now() - started).toBeLessThan(CASE_LIMIT_MS);
        expect(issues.length).toBeLessThanOrEqual(MAX_LISTED_ISSUES + 1);
        if (s.length > MAX_ARRAY_ITEMS) {
          expect(issues).toEqual([{ path: at.path, message: TOO_LONG }]);
          return;
        }
        const holes = holesOf(s);
        if (holes.length === 0) {
          expect(issues).toEqual([]);
          expect(() => at.encode(doc)).not.toThrow();
          return;
        }
        if (!at.typed) {
          expect(issues).toEqual([{ path: `${at.path}[${holes[0]}]`, message: HOLE }]);
          return;
        }
        // A typed list reports every hole: the first ones are listed, the header counts them all.
        const listed = holes.slice(0, MAX_LISTED_ISSUES).map((i) => ({ path: `${at.path}[${i}]`, message: 'is required' }));
        const rest = holes.length - listed.length;
        expect(issues).toEqual(rest > 0 ? [...listed, { path: '(root)', message: `and ${rest} more problem${rest === 1 ? '' : 's'}`, omitted: rest }] : listed);
        let thrown: unknown;
        try {
          at.encode(doc);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(HcsValidationError);
        const count = holes.length === 1 ? '1 problem' : `${holes.length} problems`;
        expect((thrown as HcsValidationError).message.split('\n')[0]).toMatch(new RegExp(`\\(${count}\\):$`));
      }),
      { numRuns: 150 },
    );
  });
});
