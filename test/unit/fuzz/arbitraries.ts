/**
 * fast-check arbitraries shared by the fuzz tests: valid schema documents (for round trips) and hostile values
 * (for "never crashes").
 */
import fc from 'fast-check';

/** A string hcsshim could send: any code points except NUL and lone surrogates (Go would rewrite those). */
export const goString = (maxLength = 24): fc.Arbitrary<string> =>
  fc.string({ unit: 'binary', maxLength }).filter((s) => !s.includes('\0'));

export const nonEmptyGoString = (maxLength = 24): fc.Arbitrary<string> =>
  goString(maxLength).filter((s) => s.length > 0);

/** A GUID in the 8-4-4-4-12 hex form Windows prints. */
export const guid: fc.Arbitrary<string> = fc
  .tuple(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.boolean())
  .map(([bytes, upper]) => {
    const hex = Buffer.from(bytes).toString('hex');
    const g = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    return upper ? g.toUpperCase() : g;
  });

/** Characters whose JSON escaping differs between Go and JSON.stringify (or that HTML escaping changes). */
const ESCAPED = ['\b', '\f', '\u0001', '\u001f', '\n', '"', '\\', '<', '>', '&', '\u2028', '\u2029', '\u007f', 'é', '😀', 'a'];

/** Free-form text: any code point but NUL, or a string made mostly of the characters Go escapes. */
const jsonText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(goString(maxLength), fc.string({ unit: fc.constantFrom(...ESCAPED), maxLength }));

/**
 * A free-form JSON value whose keys and strings are {@link jsonText} (control characters, U+2028/2029, HTML characters,
 * astral characters) and whose numbers stay within ±(2^53-1), as validation requires. fc.jsonValue would give
 * printable ASCII only, and doubles up to 1e308.
 */
const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc.double({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER, noNaN: true }),
    jsonText(24),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(jsonText(8), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** A free-form JSON object without -0 (JSON.stringify cannot tell -0 from 0, so it would not round-trip as a value). */
export const jsonObject: fc.Arbitrary<Record<string, unknown>> = fc
  .dictionary(jsonText(8), jsonValue, { maxKeys: 4 })
  .map((o) => JSON.parse(JSON.stringify(o)) as Record<string, unknown>);

/** A valid ProcessConfig with any subset of its fields. */
export const validProcessConfig = fc.record(
  {
    ApplicationName: goString(),
    CommandLine: goString(60),
    CommandArgs: fc.array(goString(), { maxLength: 4 }),
    User: goString(),
    WorkingDirectory: goString(),
    Environment: fc.dictionary(
      nonEmptyGoString(12).filter((k) => !k.includes('=') && k !== '__proto__'),
      goString(),
      { maxKeys: 4 },
    ),
    EmulateConsole: fc.boolean(),
    CreateStdInPipe: fc.boolean(),
    CreateStdOutPipe: fc.boolean(),
    CreateStdErrPipe: fc.boolean(),
    ConsoleSize: fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 65535 })),
    CreateInUtilityVm: fc.boolean(),
    OCISpecification: jsonObject,
  },
  { requiredKeys: [] },
);

const layer = fc.record({ ID: guid, Path: nonEmptyGoString(40) });
const mappedDir = fc.record({
  HostPath: nonEmptyGoString(),
  ContainerPath: nonEmptyGoString(),
  ReadOnly: fc.boolean(),
  BandwidthMaximum: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  IOPSMaximum: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  CreateInUtilityVM: fc.boolean(),
});

/** A valid ContainerConfig: the always-present fields plus any subset of common optional ones. */
export const validContainerConfig = fc
  .tuple(
    fc.record({ Name: nonEmptyGoString(), Layers: fc.array(layer, { maxLength: 3 }), HvPartition: fc.boolean() }),
    fc.record(
      {
        Owner: goString(),
        HostName: goString(),
        LayerFolderPath: goString(),
        ProcessorCount: fc.integer({ min: 0, max: 0xffffffff }),
        ProcessorWeight: fc.integer({ min: 0, max: 10000 }),
        MemoryMaximumInMB: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        MappedDirectories: fc.array(mappedDir, { maxLength: 2 }),
        EndpointList: fc.array(goString(), { maxLength: 3 }),
        Servicing: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([required, optional]) => ({ SystemType: 'Container' as const, ...required, ...optional }));

/** Values of every JSON and non-JSON kind that a caller might pass by mistake. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, withNullPrototype: true }),
  fc.constantFrom(-1, 1.5, -0, 2 ** 32, 2 ** 53, 2 ** 64, 1e308, Number.NaN, Number.POSITIVE_INFINITY, -Infinity),
  fc.constantFrom('', '\0', 'a\0b', '\uD800', '\uDFFF', '=', '__proto__', 'constructor'),
  fc.constantFrom(null, undefined, true, [], {}, [[]], { __proto__: null }, Symbol('s'), () => 1),
);

/** An object nested `depth` levels deep (arrays and objects alternating). */
export function deepNesting(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
  return value;
}
