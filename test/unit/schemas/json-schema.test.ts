import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { documentSchemas, validateDocument, type DocumentKind } from '../../../schemas';
import { generateJsonSchemaFiles, jsonSchemaFor, JSON_SCHEMA_DIALECT } from '../../../src/cli/json-schema';
import { MAX_ARRAY_ITEMS } from '../../../schemas/limits';
import { unknownKeyEverywhere } from './support/strictness';

const root = join(__dirname, '..', '..', '..');
const jsonDir = join(root, 'schemas', 'json');

interface WireVector {
  type: string;
  full: unknown;
  wire: unknown;
}
const vectors = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'wire-vectors.json'), 'utf8')) as WireVector[];

const kindOfType: Record<string, DocumentKind> = {
  ProcessConfig: 'process',
  ContainerConfig: 'container',
  ComputeSystemQuery: 'query',
};

/** The value with every null-valued object key removed, at any depth (arrays keep their elements). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

function compile(kind: DocumentKind) {
  const ajv = new Ajv({ strict: true, allErrors: true });
  return ajv.compile(jsonSchemaFor(kind));
}

describe('committed JSON Schema files', () => {
  const files = generateJsonSchemaFiles();

  it('cover every input document kind', () => {
    expect(files.map((f) => f.kind).sort()).toEqual((Object.keys(documentSchemas) as string[]).sort());
  });

  it.each(files.map((f) => [f.fileName, f.text] as const))('%s is up to date (run npm run schemas)', (fileName, text) => {
    expect(readFileSync(join(jsonDir, fileName), 'utf8')).toBe(text);
  });

  it('has no schema file for a document that no longer exists', () => {
    const onDisk = readdirSync(jsonDir).filter((name) => name.endsWith('.schema.json')).sort();
    expect(onDisk).toEqual(files.map((f) => f.fileName).sort());
  });

  it('carry the draft-07 dialect, an $id, a title and a description', () => {
    for (const file of files) {
      const schema = JSON.parse(file.text) as Record<string, unknown>;
      expect(schema.$schema).toBe(JSON_SCHEMA_DIALECT);
      expect(schema.$id).toBe(`https://unpkg.com/hcsshim-ts/schemas/json/${file.name}.schema.json`);
      expect(schema.title).toBe(file.name);
      expect(typeof schema.description).toBe('string');
    }
  });
});

describe('JSON Schema with ajv', () => {
  it.each(Object.keys(documentSchemas) as DocumentKind[])('%s compiles in ajv strict mode', (kind) => {
    expect(() => compile(kind)).not.toThrow();
  });

  describe.each(vectors.map((v, i) => [`${v.type} #${i}`, v] as const))('golden vector %s', (_name, vector) => {
    const kind = kindOfType[vector.type]!;
    const validate = compile(kind);

    it('accepts the wire form without null keys', () => {
      const ok = validate(withoutNulls(vector.wire));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });

    it('accepts the full form without null keys', () => {
      expect(validate(withoutNulls(vector.full))).toBe(true);
    });

    it('accepts a top-level $schema key', () => {
      const doc = { $schema: `../schemas/json/${documentSchemas[kind].name}.schema.json`, ...(withoutNulls(vector.wire) as object) };
      expect(validate(doc)).toBe(true);
    });
  });

  const container = withoutNulls(vectors.find((v) => v.type === 'ContainerConfig')!.wire) as Record<string, unknown>;
  const process = withoutNulls(vectors.find((v) => v.type === 'ProcessConfig')!.wire) as Record<string, unknown>;

  const invalid: [string, DocumentKind, unknown][] = [
    ['an unknown key', 'process', { ...process, Commandline: 'cmd' }],
    ['an unknown nested key', 'container', { ...container, Layers: [{ ID: '332e8234-783d-e17b-d7a2-5e0a9f681397', Path: 'C:\\l', Extra: 1 }] }],
    ['a bad layer GUID', 'container', { ...container, Layers: [{ ID: 'not-a-guid', Path: 'C:\\l' }] }],
    ['a ProcessorMaximum above 10000', 'container', { ...container, ProcessorMaximum: 10001 }],
    ['a negative ProcessorCount', 'container', { ...container, ProcessorCount: -1 }],
    ['a fractional ProcessorCount', 'container', { ...container, ProcessorCount: 1.5 }],
    ['a size above MAX_SAFE_INTEGER', 'container', { ...container, StorageSandboxSize: 2 ** 53 }],
    ['a ConsoleSize out of range', 'process', { ...process, ConsoleSize: [65536, 1] }],
    ['a ConsoleSize of one element', 'process', { ...process, ConsoleSize: [1] }],
    ['a bad VolumePath', 'container', { ...container, VolumePath: 'C:\\volume' }],
    ['an empty Name', 'container', { ...container, Name: '' }],
    ['a bad Cache value', 'container', { ...container, MappedVirtualDisks: [{ ContainerPath: '/x', Cache: 'Sometimes' }] }],
    ['an environment name with =', 'process', { ...process, Environment: { 'A=B': 'x' } }],
    ['a NUL in a string', 'process', { ...process, CommandLine: 'cmd\u0000' }],
    ['a query key of the wrong type', 'query', { Ids: 'web-01' }],
    ['a bad signal name', 'signal', { Signal: 'CtrlZ' }],
    ['a NUL in a free-form string', 'process', { OCISpecification: { a: 'x\u0000y' } }],
    ['a NUL in a free-form key', 'process', { OCISpecification: { 'a\u0000': 1 } }],
    ['a NUL deep in a free-form value', 'process', { OCISpecification: { process: { args: ['sh', { e: ['\u0000'] }] } } }],
    ['a NUL in Settings', 'modify', { ResourceType: 'Network', Settings: 'id\u0000' }],
    ['a NUL in a Settings key', 'modify', { ResourceType: 'Network', Settings: [{ 'k\u0000': null }] }],
    ['an environment name __proto__', 'process', JSON.parse('{"Environment":{"__proto__":"x"}}')],
    ['an rlimit beyond 2^53-1', 'process', JSON.parse('{"OCISpecification":{"process":{"rlimits":[{"hard":18446744073709551615}]}}}')],
    ['a Settings number below -(2^53-1)', 'modify', { ResourceType: 'Network', Settings: { n: -(2 ** 53) } }],
    ...arraysOf(MAX_ARRAY_ITEMS + 1).map(([what, kind, doc]) => [`${what} of ${MAX_ARRAY_ITEMS + 1} items`, kind, doc] as [string, DocumentKind, unknown]),
  ];

  it.each(invalid)('rejects %s, as the zod schema does', (_what, kind, doc) => {
    expect(validateDocument(kind, doc)).not.toEqual([]);
    expect(compile(kind)(doc)).toBe(false);
  });

  it.each(arraysOf(MAX_ARRAY_ITEMS))(`accepts %s of ${MAX_ARRAY_ITEMS} items, as the zod schema does`, (_what, kind, doc) => {
    expect(validateDocument(kind, doc)).toEqual([]);
    expect(compile(kind)(doc)).toBe(true);
  });

  it.each(unknownKeyEverywhere)('refuses an unknown key in %s (additionalProperties: false everywhere)', (_name, kind, doc) => {
    expect(compile(kind)(doc)).toBe(false);
  });

  it('accepts the small documents the zod schemas accept', () => {
    const valid: [DocumentKind, unknown][] = [
      ['query', {}],
      ['property-query', { PropertyTypes: ['Statistics'] }],
      ['signal', { Signal: 'CtrlC' }],
      ['signal', { Signal: 9 }],
      ['process-modify', { Operation: 'CloseHandle', CloseHandle: { Handle: 'StdIn' } }],
      ['modify', { ResourceType: 'Network', Settings: 'endpoint-id', RequestType: 'Add' }],
      ['modify', { ResourceType: 'Network', Settings: [null, true, -0, 0.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, { '': {} }] }],
      ['process', { OCISpecification: { process: { rlimits: [{ hard: 4294967295 }] }, __proto__: null, '\ud800': '\u2028<' } }],
      ['process', JSON.parse('{"OCISpecification":{"__proto__":{"a":1}}}')],
    ];
    for (const [kind, doc] of valid) {
      expect(validateDocument(kind, doc)).toEqual([]);
      expect(compile(kind)(doc)).toBe(true);
    }
  });
});

describe('the JSON Schema says what JSON Schema cannot check', () => {
  it('states the free-form nesting limit in the description of the free-form definition', () => {
    for (const kind of ['process', 'modify'] as const) {
      const definitions = jsonSchemaFor(kind).definitions as Record<string, { description: string }>;
      expect(definitions.JsonValue!.description).toMatch(/nest at most 256 levels deep/);
      expect(definitions.JsonValue!.description).toMatch(new RegExp(`arrays hold at most ${MAX_ARRAY_ITEMS} items`));
      // zod refuses what the schema can only describe.
      const deep = deepValue(256);
      const doc = kind === 'process' ? { OCISpecification: { deep } } : { ResourceType: 'Network', Settings: [deep] };
      expect(validateDocument(kind, doc).map((i) => i.message)).toEqual(['nests deeper than 256 levels']);
    }
  });

  it('has only regex patterns every consumer compiles: \\x00 for NUL, never \\0 (Java refuses it)', () => {
    const patterns: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (typeof node === 'object' && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'pattern' && typeof value === 'string') patterns.push(value);
          else walk(value);
        }
      }
    };
    for (const file of generateJsonSchemaFiles()) walk(JSON.parse(file.text));
    expect(patterns).toContain('^[^\\x00]*$');
    for (const pattern of patterns) {
      expect(pattern).not.toMatch(/\\0/);
      expect(() => new RegExp(pattern, 'u')).not.toThrow();
    }
  });
});

/** A document for each array field, typed and free-form, holding `length` valid items there. */
function arraysOf(length: number): [string, DocumentKind, unknown][] {
  const many = (item: unknown): unknown[] => new Array<unknown>(length).fill(item);
  return [
    ['CommandArgs', 'process', { CommandArgs: many('x') }],
    ['Layers', 'container', { Name: 'c', Layers: many({ ID: '332e8234-783d-e17b-d7a2-5e0a9f681397', Path: 'C:\\l' }) }],
    ['MappedDirectories', 'container', { Name: 'c', MappedDirectories: many({ HostPath: 'C:\\h', ContainerPath: 'C:\\c' }) }],
    ['MappedPipes', 'container', { Name: 'c', MappedPipes: many({ HostPath: 'h', ContainerPipeName: 'c' }) }],
    ['EndpointList', 'container', { Name: 'c', EndpointList: many('e') }],
    ['MappedVirtualDisks', 'container', { Name: 'c', MappedVirtualDisks: many({}) }],
    ['AssignedDevices', 'container', { Name: 'c', AssignedDevices: many({}) }],
    ['Ids', 'query', { Ids: many('x') }],
    ['Types', 'query', { Types: many('x') }],
    ['Names', 'query', { Names: many('x') }],
    ['Owners', 'query', { Owners: many('x') }],
    ['PropertyTypes', 'property-query', { PropertyTypes: many('Statistics') }],
    ['an OCISpecification array', 'process', { OCISpecification: { process: { env: many('A=b') } } }],
    ['a Settings array', 'modify', { ResourceType: 'Network', Settings: many(null) }],
    ['a nested Settings array', 'modify', { ResourceType: 'Network', Settings: { a: [many(1)] } }],
  ];
}

/** A clean value nested `levels` arrays and objects deep. */
function deepValue(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = i % 2 ? [value] : { k: value };
  return value;
}

/** Sets an own property, `__proto__` included (plain assignment would set the prototype instead). */
function setKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Every plain object in `value` down to `depth` levels, `value` itself first. */
function objectsIn(value: unknown, depth: number): Record<string, unknown>[] {
  if (typeof value !== 'object' || value === null || depth < 0) return [];
  const own = Array.isArray(value) ? [] : [value as Record<string, unknown>];
  return own.concat(Object.values(value).flatMap((v) => objectsIn(v, depth - 1)));
}

describe('JSON Schema and zod agree', () => {
  const validators = new Map<DocumentKind, ReturnType<typeof compile>>();
  const validatorFor = (kind: DocumentKind) => {
    let v = validators.get(kind);
    if (v === undefined) validators.set(kind, (v = compile(kind)));
    return v;
  };

  // The golden vectors, plus documents with free-form content (their OCISpecification is null) and modify documents.
  const bases: [DocumentKind, unknown][] = [
    ...vectors.map((v) => [kindOfType[v.type]!, withoutNulls(v.wire)] as [DocumentKind, unknown]),
    ['process', { CommandLine: 'sh', Environment: { PATH: '/bin' }, OCISpecification: { ociVersion: '1.0.2', process: { args: ['sh'], rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024 }] }, root: { path: 'rootfs' } } }],
    ['modify', { ResourceType: 'Network', Settings: 'endpoint-id', RequestType: 'Add' }],
    ['modify', { ResourceType: 'MappedVirtualDisk', Settings: { HostPath: 'C:\\d.vhdx', ContainerPath: '/mnt', Extra: [1, { a: 'x' }] }, RequestType: 'Remove' }],
  ];

  // Values that probe each rule the two must share: NUL in strings and keys, __proto__ keys, numbers at and beyond
  // ±(2^53-1), arrays at and beyond the item limit, and nesting around the free-form limit (which only zod checks:
  // see below).
  const probes = fc.constantFrom<unknown>(
    'x\u0000y',
    { 'a\u0000': 1 },
    ['ok', { b: 'c\u0000' }],
    JSON.parse('{"__proto__":"x"}'),
    JSON.parse('{"__proto__":{"a":"\\u0000"}}'),
    2 ** 53,
    -(2 ** 53),
    JSON.parse('18446744073709551615'),
    1e300,
    Number.MAX_SAFE_INTEGER,
    -Number.MAX_SAFE_INTEGER,
    4503599627370495.5,
    deepValue(254),
    deepValue(255),
    deepValue(256),
    deepValue(300),
    { shallow: 'bad\u0000', deep: deepValue(300) },
    // Arrays at and beyond the item limit: of strings, which a typed list of strings would otherwise take.
    new Array<string>(MAX_ARRAY_ITEMS).fill('x'),
    new Array<string>(MAX_ARRAY_ITEMS + 1).fill('x'),
  );
  const keys = fc.constantFrom('k', 'a\u0000', '__proto__', 'PATH', 'A=B', '');

  it('on documents with one value replaced or one key added, anywhere, by a random JSON value or a probe', () => {
    fc.assert(
      fc.property(
        fc.nat(bases.length - 1),
        fc.nat(),
        fc.oneof(fc.jsonValue({ maxDepth: 2 }), probes),
        fc.option(keys, { nil: undefined }),
        (bi, ti, value, newKey) => {
          const [kind, base] = bases[bi]!;
          // A deep copy of the base document, which the property then changes in place.
          const doc = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
          const targets = objectsIn(doc, 3);
          const target = targets[ti % targets.length]!;
          const existing = Object.keys(target);
          if (newKey !== undefined) setKey(target, newKey, value);
          else if (existing.length > 0) setKey(target, existing[ti % existing.length]!, value);
          else return;
          // JSON Schema has no keyword for nesting depth (the limit is in the description), so a document that only
          // nests too deeply is the one thing the schema accepts and zod refuses.
          const issues = validateDocument(kind, doc).filter((i) => !/^nests deeper than/.test(i.message));
          expect(validatorFor(kind)(doc)).toBe(issues.length === 0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
