// dist/schemas/index.js carries the part of zod the schemas use, tree-shaken by esbuild (scripts/build-dist.js), so
// the package's schemas entry never loads the zod package. These tests hold that bundle to the source: the same
// wire JSON and the same problems for valid, mutated and hostile documents, and a consumer's own zod still composes
// with the exported schemas, recognises their errors and generates the same JSON Schema.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import * as source from '../../../schemas';
import vectors from '../../fixtures/wire-vectors.json';
import { hostileValue, validContainerConfig, validProcessConfig } from '../fuzz/arbitraries';
import { ensureBuilt, repoRoot } from './cli-harness';

type SchemasModule = typeof source;
let bundle: SchemasModule;

beforeAll(() => {
  ensureBuilt();
  bundle = require(join(repoRoot, 'dist', 'schemas', 'index.js')) as SchemasModule;
}, 120_000);

type EncoderName = 'encodeProcessConfig' | 'encodeContainerConfig' | 'encodeComputeSystemQuery';
const encoderFor: Record<string, EncoderName> = {
  ProcessConfig: 'encodeProcessConfig',
  ContainerConfig: 'encodeContainerConfig',
  ComputeSystemQuery: 'encodeComputeSystemQuery',
};

/** What one encoder made of a value: its output, or the problems it reported. */
function outcome(mod: SchemasModule, encoder: EncoderName, value: unknown): unknown {
  try {
    return { wire: mod[encoder](value) };
  } catch (err) {
    if (err instanceof mod.HcsValidationError) return { message: err.message, issues: err.issues };
    throw err;
  }
}

/** Replaces `path` in a copy of `doc` with `value` (a wrong type, a hostile value...). */
function mutated(doc: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  return { ...doc, [key]: value };
}

describe('the schemas bundle (zod inlined) behaves exactly as the source', () => {
  it('requires no module at all (zod is inside it) and exports what the source exports', () => {
    const text = readFileSync(join(repoRoot, 'dist', 'schemas', 'index.js'), 'utf8');
    expect(text.match(/\brequire\(["'][^"']*["']\)/g) ?? []).toEqual([]);
    expect(Object.keys(bundle).sort()).toEqual(Object.keys(source).sort());
  });

  it('encodes every golden wire vector to the same bytes', () => {
    for (const vector of vectors) {
      const encoder = encoderFor[vector.type]!;
      for (const form of [vector.full, vector.wire]) {
        expect(outcome(bundle, encoder, form)).toEqual(outcome(source, encoder, form));
      }
    }
  });

  it('gives the same wire or the same problems for random valid documents and their mutations', () => {
    const docs = fc.oneof(
      validProcessConfig.map((doc) => ({ encoder: 'encodeProcessConfig' as const, doc })),
      validContainerConfig.map((doc) => ({ encoder: 'encodeContainerConfig' as const, doc })),
    );
    fc.assert(
      fc.property(docs, fc.option(fc.tuple(fc.nat(), hostileValue)), ({ encoder, doc }, mutation) => {
        const keys = Object.keys(doc);
        const input =
          mutation === null || keys.length === 0
            ? doc
            : mutated(doc as Record<string, unknown>, keys[mutation[0] % keys.length]!, mutation[1]);
        expect(outcome(bundle, encoder, input)).toEqual(outcome(source, encoder, input));
      }),
      { numRuns: 300 },
    );
  });

  it('reports the same problems for hostile documents of every kind', () => {
    const kinds = Object.keys(source.documentSchemas) as (keyof typeof source.documentSchemas)[];
    fc.assert(
      fc.property(fc.constantFrom(...kinds), hostileValue, (kind, value) => {
        expect(bundle.validateDocument(kind, value)).toEqual(source.validateDocument(kind, value));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes HCS output documents the same way', () => {
    const texts = [
      '{"ExitCode":3,"Exited":true,"LastWaitResult":0}',
      '{"Error":-2147024809,"ErrorMessage":"bad","ErrorEvents":[{"Message":"m","Source":"s"}]}',
      '{"ExitCode":"x"}',
      '{',
    ];
    for (const text of texts) {
      const run = (mod: SchemasModule) => {
        try {
          return { status: mod.decodeProcessStatus(text), result: mod.decodeResultDocument(text) };
        } catch (err) {
          return { error: (err as Error).message };
        }
      };
      expect(run(bundle)).toEqual(run(source));
    }
  });
});

describe("a consumer's own zod and the bundled schemas", () => {
  it('compose: a consumer schema nesting an exported one validates through it, with the nested path', () => {
    const wrapper = z.object({ job: z.string(), process: bundle.ProcessConfigSchema });
    expect(wrapper.safeParse({ job: 'a', process: { CommandLine: 'cmd' } }).success).toBe(true);
    const bad = wrapper.safeParse({ job: 'a', process: { CommandLine: 1 } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path)).toEqual([['process', 'CommandLine']]);
  });

  it("recognise each other's errors: instanceof z.ZodError holds for the bundle's errors", () => {
    let thrown: unknown;
    try {
      bundle.ProcessConfigSchema.parse({ CommandLine: 1 });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(z.ZodError);
  });

  it("generate the same JSON Schema from the bundle's schemas as from the source's (descriptions included)", () => {
    const options = { target: 'draft-7', io: 'input', unrepresentable: 'any' } as const;
    const fromBundle = z.toJSONSchema(bundle.ContainerConfigSchema, options);
    expect(fromBundle).toEqual(z.toJSONSchema(source.ContainerConfigSchema, options));
    // The descriptions live in zod's global registry, shared through globalThis by both copies.
    expect(JSON.stringify(fromBundle)).toContain('"description"');
  });
});
