import fc from 'fast-check';
import {
  HcsValidationError,
  documentSchemas,
  encodeComputeSystemQuery,
  encodeContainerConfig,
  encodeProcessConfig,
  validateDocument,
} from '../../../schemas';
import type { DocumentKind } from '../../../schemas';
import vectors from '../../fixtures/wire-vectors.json';
import { referenceGoJson } from '../schemas/support/go-reference';
import { deepNesting, hostileValue, validContainerConfig, validProcessConfig } from './arbitraries';

const encoders = {
  ProcessConfig: encodeProcessConfig,
  ContainerConfig: encodeContainerConfig,
  ComputeSystemQuery: encodeComputeSystemQuery,
} as const;
type EncoderName = keyof typeof encoders;
const kinds = Object.keys(documentSchemas) as DocumentKind[];

/** Encodes; returns the output, or the HcsValidationError. Any other exception fails the property. */
function tryEncode(name: EncoderName, value: unknown): string | HcsValidationError {
  try {
    return encoders[name](value);
  } catch (err) {
    if (err instanceof HcsValidationError) return err;
    throw new Error(`${name} threw something other than HcsValidationError: ${String(err)}`);
  }
}

function expectWellFormedError(err: HcsValidationError): void {
  expect(err.code).toBe('ERR_HCS_INVALID_CONFIG');
  expect(err.issues.length).toBeGreaterThan(0);
  for (const issue of err.issues) {
    expect(typeof issue.path).toBe('string');
    expect(issue.path.length).toBeGreaterThan(0);
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

function expectInvalidAt(name: EncoderName, value: unknown, pathPrefix: string): void {
  const out = tryEncode(name, value);
  expect(out).toBeInstanceOf(HcsValidationError);
  const err = out as HcsValidationError;
  expectWellFormedError(err);
  // Paths are accessor style: `Name`, `Layers[0].ID`, or `["a.b"]` for a key that is not an identifier; a key is
  // shown only up to its first "=" or NUL (what follows may be a secret value), then "…".
  const cut = pathPrefix.search(/[=\0]/);
  const shown = cut < 0 ? pathPrefix : `${pathPrefix.slice(0, cut + 1)}…`;
  const quoted = `[${JSON.stringify(shown)}]`;
  expect(err.issues.some((i) => i.path.startsWith(pathPrefix) || i.path.startsWith(quoted) || i.path === '(root)')).toBe(true);
}

const fullOf = (type: EncoderName) =>
  (vectors as { type: string; full: Record<string, unknown> }[]).filter((v) => v.type === type).map((v) => v.full);

describe('schema fuzz: random values never crash the validator', () => {
  it('validateDocument returns issues with a path for any value, for every document kind', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds), hostileValue, (kind, value) => {
        const issues = validateDocument(kind, value);
        expect(Array.isArray(issues)).toBe(true);
        for (const issue of issues) {
          expect(issue.path.length).toBeGreaterThan(0);
          expect(issue.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('every encoder either returns JSON or throws HcsValidationError with paths', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(Object.keys(encoders) as EncoderName[])), hostileValue, (name, value) => {
        const out = tryEncode(name, value);
        if (out instanceof HcsValidationError) expectWellFormedError(out);
        else expect(() => JSON.parse(out)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });

  it('random objects with known and unknown keys of random types never crash', () => {
    const processKeys = ['CommandLine', 'Environment', 'ConsoleSize', 'CommandArgs', 'EmulateConsole', 'Commandline', 'extra'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...processKeys), hostileValue, { maxKeys: 5 }), (value) => {
        const out = tryEncode('ProcessConfig', value);
        if (out instanceof HcsValidationError) expectWellFormedError(out);
      }),
      { numRuns: 300 },
    );
  });
});

describe('schema fuzz: mutated valid configs are rejected with a path', () => {
  const names: EncoderName[] = ['ProcessConfig', 'ContainerConfig'];
  const base = (name: EncoderName) => fc.constantFrom(...fullOf(name));

  it('an unknown key is an error at that key', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names).chain((name) => fc.tuple(fc.constant(name), base(name))),
        fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !/^[A-Z]/.test(k) && k !== '__proto__'),
        hostileValue,
        ([name, full], key, value) => {
          expectInvalidAt(name, { ...full, [key]: value }, key);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a value of the wrong type at a known field is an error at that field', () => {
    const wrong: Record<string, unknown[]> = {
      string: [1, true, [], {}, null],
      boolean: ['true', 1, [], {}],
      array: ['x', 1, true, {}],
    };
    const fields: [EncoderName, string, keyof typeof wrong][] = [
      ['ProcessConfig', 'CommandLine', 'string'],
      ['ProcessConfig', 'WorkingDirectory', 'string'],
      ['ProcessConfig', 'EmulateConsole', 'boolean'],
      ['ProcessConfig', 'CreateStdOutPipe', 'boolean'],
      ['ProcessConfig', 'CommandArgs', 'array'],
      ['ContainerConfig', 'Name', 'string'],
      ['ContainerConfig', 'HvPartition', 'boolean'],
      ['ContainerConfig', 'MappedDirectories', 'array'],
      ['ContainerConfig', 'EndpointList', 'array'],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...fields), fc.nat(), ([name, field, type], pick) => {
        const full = fullOf(name)[pick % fullOf(name).length]!;
        const value = wrong[type]![pick % wrong[type]!.length];
        expectInvalidAt(name, { ...full, [field]: value }, field);
      }),
      { numRuns: 200 },
    );
  });

  it('out-of-range, fractional and non-finite numbers are errors at the field', () => {
    const bad = fc.constantFrom(-1, 1.5, 2 ** 32, 2 ** 64, 1e308, Number.NaN, Number.POSITIVE_INFINITY, -Infinity);
    fc.assert(
      fc.property(bad, fc.nat(1), (n, which) => {
        if (which === 0) expectInvalidAt('ContainerConfig', { ...fullOf('ContainerConfig')[0], ProcessorCount: n }, 'ProcessorCount');
        else expectInvalidAt('ProcessConfig', { ...fullOf('ProcessConfig')[0], ConsoleSize: [n, 10] }, 'ConsoleSize');
      }),
      { numRuns: 100 },
    );
  });

  it('a NUL character anywhere in a string field is an error at that field', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), fc.constantFrom('CommandLine', 'User', 'WorkingDirectory'), (a, b, field) => {
        expectInvalidAt('ProcessConfig', { ...fullOf('ProcessConfig')[0], [field]: `${a}\0${b}` }, field);
      }),
      { numRuns: 100 },
    );
    expectInvalidAt('ProcessConfig', { CommandLine: 'x', Environment: { PATH: 'a\0b' } }, 'Environment');
    expectInvalidAt('ProcessConfig', { CommandLine: 'x', Environment: { 'A\0B': 'v' } }, 'Environment');
    expectInvalidAt('ContainerConfig', { Name: 'n\0', Layers: [], HvPartition: false }, 'Name');
  });

  it('deep nesting never crashes and never overflows the stack', () => {
    for (const depth of [100, 10_000, 200_000]) {
      const nested = deepNesting(depth);
      for (const name of Object.keys(encoders) as EncoderName[]) {
        const out = tryEncode(name, nested);
        expect(out).toBeInstanceOf(HcsValidationError);
      }
      const out = tryEncode('ProcessConfig', { CommandLine: 'x', OCISpecification: { root: nested } });
      if (out instanceof HcsValidationError) expectWellFormedError(out);
      else expect(typeof out).toBe('string');
      expectInvalidAt('ProcessConfig', { CommandArgs: [nested] }, 'CommandArgs');
    }
  });

  it('10 MB strings are encoded whole, and rejected with a path when they hide a NUL', () => {
    const big = 'x'.repeat(10 * 1024 * 1024);
    const out = tryEncode('ProcessConfig', { CommandLine: big });
    expect(typeof out).toBe('string');
    expect(JSON.parse(out as string).CommandLine).toHaveLength(big.length);
    expectInvalidAt('ProcessConfig', { CommandLine: `${big}\0` }, 'CommandLine');
    const container = tryEncode('ContainerConfig', { Name: 'n', Layers: [], HvPartition: false, HostName: big });
    expect(typeof container).toBe('string');
  });
});

describe('schema fuzz: valid documents round-trip through the wire format', () => {
  it('random valid ProcessConfigs encode to JSON holding the same values (omitempty applied)', () => {
    fc.assert(
      fc.property(validProcessConfig, (config) => {
        const out = tryEncode('ProcessConfig', config);
        if (out instanceof HcsValidationError) throw new Error(`valid config rejected: ${out.message}`);
        const wire = JSON.parse(out) as Record<string, unknown>;
        const c = config as Record<string, unknown>;
        for (const key of ['ApplicationName', 'CommandLine', 'User', 'WorkingDirectory']) {
          if (c[key]) expect(wire[key]).toBe(c[key]);
          else expect(wire).not.toHaveProperty(key);
        }
        for (const key of ['EmulateConsole', 'CreateStdInPipe', 'CreateStdOutPipe', 'CreateStdErrPipe', 'CreateInUtilityVm']) {
          if (c[key]) expect(wire[key]).toBe(true);
          else expect(wire).not.toHaveProperty(key);
        }
        const args = c.CommandArgs as string[] | undefined;
        if (args?.length) expect(wire.CommandArgs).toEqual(args);
        else expect(wire).not.toHaveProperty('CommandArgs');
        const env = c.Environment as Record<string, string> | undefined;
        if (env && Object.keys(env).length) expect(wire.Environment).toEqual(env);
        else expect(wire).not.toHaveProperty('Environment');
        expect(wire.ConsoleSize).toEqual(c.ConsoleSize ?? [0, 0]);
        if (c.OCISpecification !== undefined) {
          expect(wire.OCISpecification).toEqual(c.OCISpecification);
          // Byte for byte as Go escapes it (the value comparison cannot see \b against \u0008, or an unescaped U+2028).
          expect(out.endsWith(`"OCISpecification":${referenceGoJson(c.OCISpecification)}}`)).toBe(true);
        }
        // The wire document is itself a valid input, and encoding it again changes nothing.
        expect(encodeProcessConfig(wire)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it('random valid ContainerConfigs keep their always-present fields and re-encode identically', () => {
    fc.assert(
      fc.property(validContainerConfig, (config) => {
        const out = tryEncode('ContainerConfig', config);
        if (out instanceof HcsValidationError) throw new Error(`valid config rejected: ${out.message}`);
        const wire = JSON.parse(out) as Record<string, unknown>;
        expect(wire.SystemType).toBe('Container');
        expect(wire.Name).toBe(config.Name);
        expect(wire.HvPartition).toBe(config.HvPartition);
        // Layers is never omitempty: a Go slice that is non-nil but empty is written [], a nil one null. The schema
        // keeps that difference ([] in, [] out), so an empty list must come out exactly as [].
        expect(wire.Layers).toEqual(config.Layers);
        expect(out).toContain(config.Layers.length ? '"Layers":[{' : '"Layers":[],');
        if (config.MappedDirectories?.length) expect(wire.MappedDirectories).toEqual(config.MappedDirectories);
        if (config.ProcessorCount) expect(wire.ProcessorCount).toBe(config.ProcessorCount);
        else expect(wire).not.toHaveProperty('ProcessorCount');
        expect(encodeContainerConfig(wire)).toBe(out);
      }),
      { numRuns: 300 },
    );
  });

  it('the fixture vectors encode to their wire form and are idempotent', () => {
    for (const v of vectors as { type: string; full: unknown; wire: unknown }[]) {
      const encode = encoders[v.type as EncoderName];
      const out = encode(v.full);
      expect(JSON.parse(out)).toEqual(v.wire);
      expect(encode(JSON.parse(out))).toBe(out);
    }
  });
});
