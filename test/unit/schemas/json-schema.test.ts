import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import fc from 'fast-check';
import { documentSchemas, validateDocument, type DocumentKind } from '../../../schemas';
import { generateJsonSchemaFiles, jsonSchemaFor, JSON_SCHEMA_DIALECT } from '../../../src/cli/json-schema';
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
  ];

  it.each(invalid)('rejects %s, as the zod schema does', (_what, kind, doc) => {
    expect(validateDocument(kind, doc)).not.toEqual([]);
    expect(compile(kind)(doc)).toBe(false);
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
    ];
    for (const [kind, doc] of valid) {
      expect(validateDocument(kind, doc)).toEqual([]);
      expect(compile(kind)(doc)).toBe(true);
    }
  });
});

describe('JSON Schema and zod agree', () => {
  it('on golden vectors with one field replaced by a random JSON value', () => {
    const validators = new Map<DocumentKind, ReturnType<typeof compile>>();
    const validatorFor = (kind: DocumentKind) => {
      let v = validators.get(kind);
      if (v === undefined) validators.set(kind, (v = compile(kind)));
      return v;
    };
    fc.assert(
      fc.property(fc.nat(vectors.length - 1), fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.boolean(), (vi, ki, value, nested) => {
        const vector = vectors[vi]!;
        const kind = kindOfType[vector.type]!;
        const doc = withoutNulls(vector.wire) as Record<string, unknown>;
        let target: Record<string, unknown> = doc;
        if (nested) {
          const inner = Object.values(doc).flatMap((x) =>
            Array.isArray(x) ? x.filter((y) => typeof y === 'object' && y !== null) : typeof x === 'object' && x !== null ? [x] : [],
          ) as Record<string, unknown>[];
          if (inner.length > 0) target = inner[ki % inner.length]!;
        }
        const keys = Object.keys(target);
        if (keys.length === 0) return;
        target[keys[ki % keys.length]!] = value;
        expect(validatorFor(kind)(doc)).toBe(validateDocument(kind, doc).length === 0);
      }),
      { numRuns: 1000 },
    );
  });
});
