import fc from 'fast-check';
import {
  encodeComputeSystemQuery,
  encodeContainerConfig,
  encodeProcessConfig,
  encodeProcessModifyRequest,
  encodePropertyQuery,
  encodeResourceModificationRequest,
  encodeSignalRequest,
  validateDocument,
  type DocumentKind,
} from '../../../schemas';
import * as arb from './support/arbitraries';
import { goCanonical, goExpected, type StructName } from './support/go-structs';
import { referenceGoJson } from './support/go-reference';
import { parseOrdered } from './support/ordered-json';

interface Case {
  kind: DocumentKind;
  struct: StructName;
  arbitrary: fc.Arbitrary<unknown>;
  encode: (value: unknown) => string;
}

const cases: Case[] = [
  { kind: 'container', struct: 'ContainerConfig', arbitrary: arb.containerConfig, encode: encodeContainerConfig },
  { kind: 'process', struct: 'ProcessConfig', arbitrary: arb.processConfig, encode: encodeProcessConfig },
  { kind: 'query', struct: 'ComputeSystemQuery', arbitrary: arb.computeSystemQuery, encode: encodeComputeSystemQuery },
  { kind: 'property-query', struct: 'PropertyQuery', arbitrary: arb.propertyQuery, encode: encodePropertyQuery },
  { kind: 'modify', struct: 'ResourceModificationRequestResponse', arbitrary: arb.modifyRequest, encode: encodeResourceModificationRequest },
  { kind: 'process-modify', struct: 'ProcessModifyRequest', arbitrary: arb.processModifyRequest, encode: encodeProcessModifyRequest },
  { kind: 'signal', struct: 'SignalProcessRequest', arbitrary: arb.signalRequest, encode: encodeSignalRequest },
];

const RUNS = 400;

describe.each(cases)('random valid $struct values', ({ kind, struct, arbitrary, encode }) => {
  test('validate without issues', () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(validateDocument(kind, value)).toEqual([]);
      }),
      { numRuns: RUNS },
    );
  });

  test('encode to what the Go struct model emits: same keys, same order, same values, omitempty and always-present as Go', () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(parseOrdered(encode(value))).toEqual(goExpected(struct, value));
      }),
      { numRuns: RUNS },
    );
  });

  test('round-trip: the JSON read back with Go zero-value rules equals the input read the same way', () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        expect(goCanonical(struct, JSON.parse(encode(value)))).toEqual(goCanonical(struct, value));
      }),
      { numRuns: RUNS },
    );
  });

  test('never emit raw <, >, &, U+2028, U+2029 or control characters, and are deterministic', () => {
    fc.assert(
      fc.property(arbitrary, (value) => {
        const out = encode(value);
        expect(out).not.toMatch(/[<>&\u2028\u2029\u0000-\u001f]/);
        expect(encode(value)).toBe(out);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('free-form JSON (OCISpecification, Settings) is written byte for byte as Go writes it', () => {
  // The comparisons above parse the output, so they cannot see how a string was escaped (\b or \u0008, \ud800 or
  // \ufffd); these compare the text itself with the reference.
  test('OCISpecification', () => {
    fc.assert(
      fc.property(arb.freeFormObject, (spec) => {
        expect(encodeProcessConfig({ OCISpecification: spec })).toBe(`{"ConsoleSize":[0,0],"OCISpecification":${referenceGoJson(spec)}}`);
      }),
      { numRuns: RUNS },
    );
  });

  test('Settings', () => {
    fc.assert(
      fc.property(arb.freeFormValue, (settings) => {
        const out = encodeResourceModificationRequest({ ResourceType: 'Network', Settings: settings, RequestType: 'Add' });
        expect(out).toBe(`{"ResourceType":"Network","Settings":${referenceGoJson(settings)},"RequestType":"Add"}`);
      }),
      { numRuns: RUNS },
    );
  });
});
