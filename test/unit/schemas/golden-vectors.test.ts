import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeComputeSystemQuery, encodeContainerConfig, encodeProcessConfig, validateDocument } from '../../../schemas';
import { goExpected, StructName } from './support/go-structs';
import { parseOrdered, toOrdered } from './support/ordered-json';

interface Vector {
  type: 'ProcessConfig' | 'ContainerConfig' | 'ComputeSystemQuery';
  full: Record<string, unknown>;
  wire: Record<string, unknown>;
}

// Copied from the shared golden set into the project (tests never read ../shared).
const vectors = JSON.parse(readFileSync(join(__dirname, '../../fixtures/wire-vectors.json'), 'utf8')) as Vector[];

const encoders = {
  ProcessConfig: encodeProcessConfig,
  ContainerConfig: encodeContainerConfig,
  ComputeSystemQuery: encodeComputeSystemQuery,
};
const kinds = { ProcessConfig: 'process', ContainerConfig: 'container', ComputeSystemQuery: 'query' } as const;

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

const cases = vectors.flatMap((v, i) =>
  (['full', 'wire'] as const).map((form) => ({ name: `${v.type} #${i} ${form}`, vector: v, form })),
);

test('the fixture holds vectors of all three documents', () => {
  expect(new Set(vectors.map((v) => v.type))).toEqual(new Set(['ProcessConfig', 'ContainerConfig', 'ComputeSystemQuery']));
});

describe.each(cases)('$name', ({ vector, form }) => {
  const input = withoutNulls(vector[form]);
  const encode = encoders[vector.type];

  test('is a valid input', () => {
    expect(validateDocument(kinds[vector.type], input)).toEqual([]);
  });

  test('encodes to the wire JSON (parsed values)', () => {
    expect(JSON.parse(encode(input))).toEqual(vector.wire);
  });

  test('encodes with the wire key order at every level', () => {
    expect(parseOrdered(encode(input))).toEqual(toOrdered(vector.wire));
  });

  test('also encodes the same with its nulls kept (null = Go nil)', () => {
    expect(encode(vector[form])).toBe(encode(input));
  });

  test('agrees with the table-driven model of the Go structs', () => {
    expect(toOrdered(vector.wire)).toEqual(goExpected(vector.type as StructName, input));
  });
});
