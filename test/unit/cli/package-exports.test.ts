import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itIf, onPosix } from '../../support/lanes';
import { CHILD_TIMEOUT_MS, ensureBuilt, fixtures, repoRoot } from './cli-harness';

// These tests load the package the way a consumer does: by name, through package.json "exports", from a project
// whose node_modules/hcsshim-ts links to this repository.

const tracker = join(fixtures, 'track-koffi.js');
let consumer: string;
let tempDir: string | undefined;

beforeAll(() => {
  ensureBuilt();
  tempDir = mkdtempSync(join(tmpdir(), 'hcsshim-ts-consumer-'));
  mkdirSync(join(tempDir, 'node_modules'));
  try {
    // 'junction' makes a directory link without privileges on Windows; other systems ignore the type.
    symlinkSync(repoRoot, join(tempDir, 'node_modules', 'hcsshim-ts'), 'junction');
    consumer = tempDir;
  } catch {
    // No links (possible under Wine): resolve by package self-reference from the repository root instead, which
    // goes through the same "exports" map.
    consumer = repoRoot;
  }
}, 120_000);

afterAll(() => {
  if (tempDir === undefined) return;
  // Remove the link itself first, so no recursive delete can ever walk through it into the repository.
  if (consumer === tempDir) unlinkSync(join(tempDir, 'node_modules', 'hcsshim-ts'));
  rmSync(tempDir, { recursive: true, force: true });
});

interface ChildResult {
  status: number | null;
  output: unknown;
  koffiLoaded: boolean;
  stderr: string;
}

/** Runs `code` in a child node in the consumer project (CommonJS or ESM) and returns its JSON line and the verdict. */
function inConsumer(code: string, kind: 'cjs' | 'esm'): ChildResult {
  const args = ['--require', tracker, ...(kind === 'esm' ? ['--input-type=module'] : []), '-e', code];
  const run = spawnSync(process.execPath, args, { cwd: consumer, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
  const lines = run.stdout.split(/\r?\n/).filter((line) => line !== '');
  const verdict = lines.pop();
  return {
    status: run.status,
    output: lines.length > 0 ? JSON.parse(lines[lines.length - 1]!) : undefined,
    koffiLoaded: verdict !== 'KOFFI_LOADED=false',
    stderr: run.stderr,
  };
}

const probeSchemas = (s: string): string =>
  `console.log(JSON.stringify({ encode: typeof ${s}.encodeProcessConfig, decode: typeof ${s}.decodeResultDocument,` +
  ` issues: ${s}.validateDocument('process', { Commandline: 'x' }).length,` +
  ` wire: ${s}.encodeComputeSystemQuery({}) }))`;

describe('package exports', () => {
  it('the koffi tracker notices koffi being loaded (control for the checks below)', () => {
    const code =
      `try { require('node:module').createRequire(${JSON.stringify(join(repoRoot, 'package.json'))})('koffi') } catch {}` +
      `console.log('null')`;
    expect(inConsumer(code, 'cjs').koffiLoaded).toBe(true);
  });

  it('require("hcsshim-ts/schemas") works from dist and does not load koffi', () => {
    const run = inConsumer(`const s = require('hcsshim-ts/schemas'); ${probeSchemas('s')}`, 'cjs');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.output).toEqual({ encode: 'function', decode: 'function', issues: 1, wire: '{}' });
    expect(run.koffiLoaded).toBe(false);
  });

  it('import("hcsshim-ts/schemas") works, named exports included, and does not load koffi', () => {
    const code =
      `import { encodeProcessConfig, decodeResultDocument } from 'hcsshim-ts/schemas';` +
      `const s = await import('hcsshim-ts/schemas');` +
      `if (encodeProcessConfig !== s.encodeProcessConfig || typeof decodeResultDocument !== 'function') process.exit(3);` +
      probeSchemas('s');
    const run = inConsumer(code, 'esm');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.output).toEqual({ encode: 'function', decode: 'function', issues: 1, wire: '{}' });
    expect(run.koffiLoaded).toBe(false);
  });

  it('the schemas entry resolves to dist/ and its types exist', () => {
    const run = inConsumer(`console.log(JSON.stringify(require.resolve('hcsshim-ts/schemas')))`, 'cjs');
    expect(String(run.output).replace(/\\/g, '/')).toMatch(/\/dist\/schemas\/index\.js$/);
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      exports: Record<string, { types?: string; default?: string } | string>;
    };
    for (const entry of Object.values(manifest.exports)) {
      if (typeof entry === 'string') continue;
      if (entry.default?.includes('/schemas/')) {
        expect(existsSync(join(repoRoot, entry.types!))).toBe(true);
        expect(existsSync(join(repoRoot, entry.default))).toBe(true);
      }
    }
  });

  it('hcsshim-ts/package.json is exported, for require and import', () => {
    const cjs = inConsumer(`console.log(JSON.stringify(require('hcsshim-ts/package.json').name))`, 'cjs');
    expect(cjs.output).toBe('hcsshim-ts');
    const esm = inConsumer(
      `import { createRequire } from 'node:module'; const r = createRequire(import.meta.url);` +
        `console.log(JSON.stringify(r('hcsshim-ts/package.json').version))`,
      'esm',
    );
    expect(esm.output).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('paths outside the exports map are refused', () => {
    const run = inConsumer(
      `try { require('hcsshim-ts/dist/schemas/outputs/index.js'); console.log('"loaded"') }` +
        ` catch (e) { console.log(JSON.stringify(e.code)) }`,
      'cjs',
    );
    expect(run.output).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  const rootBuilt = existsSync(join(repoRoot, 'dist', 'src', 'index.js'));

  itIf(rootBuilt, 'dist/src/index.js is not built yet')('require("hcsshim-ts") works and does not load koffi', () => {
    const run = inConsumer(`const m = require('hcsshim-ts'); console.log(JSON.stringify(Object.keys(m).length > 0))`, 'cjs');
    expect(run.stderr).toBe('');
    expect(run.output).toBe(true);
    expect(run.koffiLoaded).toBe(false);
  });

  itIf(rootBuilt, 'dist/src/index.js is not built yet')('import("hcsshim-ts") works and does not load koffi', () => {
    const run = inConsumer(`const m = await import('hcsshim-ts'); console.log(JSON.stringify(Object.keys(m).length > 1))`, 'esm');
    expect(run.stderr).toBe('');
    expect(run.output).toBe(true);
    expect(run.koffiLoaded).toBe(false);
  });

  itIf(rootBuilt, 'dist/src/index.js is not built yet')('both entry points share one schema layer: errors and schemas are the same objects', () => {
    const code =
      `const root = require('hcsshim-ts'); const schemas = require('hcsshim-ts/schemas');` +
      `let err; try { root.encodeProcessConfig({ Commandline: 'x' }) } catch (e) { err = e }` +
      `console.log(JSON.stringify({ same: root.HcsValidationError === schemas.HcsValidationError,` +
      ` instance: err instanceof schemas.HcsValidationError, encode: root.encodeProcessConfig === schemas.encodeProcessConfig }))`;
    const run = inConsumer(code, 'cjs');
    expect(run.stderr).toBe('');
    expect(run.output).toEqual({ same: true, instance: true, encode: true });
  });

  itIf(rootBuilt, 'dist/src/index.js is not built yet')('ESM named imports of the bundled entry points work', () => {
    const code =
      `import { createContainer, HcsError } from 'hcsshim-ts'; import { ProcessConfigSchema } from 'hcsshim-ts/schemas';` +
      `console.log(JSON.stringify([typeof createContainer, typeof HcsError, typeof ProcessConfigSchema.parse]))`;
    const run = inConsumer(code, 'esm');
    expect(run.stderr).toBe('');
    expect(run.output).toEqual(['function', 'function', 'function']);
  });

  itIf(rootBuilt, 'dist/src/index.js is not built yet')('requiring the root loads two files of this package (the bundles), not one per module', () => {
    const code =
      `require('hcsshim-ts'); const own = Object.keys(require.cache).map((f) => f.replace(/\\\\/g, '/'))` +
      `.filter((f) => f.includes('/dist/')).map((f) => f.slice(f.indexOf('/dist/'))).sort(); console.log(JSON.stringify(own))`;
    const run = inConsumer(code, 'cjs');
    expect(run.stderr).toBe('');
    expect(run.output).toEqual(['/dist/schemas/index.js', '/dist/src/index.js']);
  });

  itIf(rootBuilt, 'dist/src/index.js is not built yet')('requiring both entry points loads no file of the zod package (the schemas bundle carries its own)', () => {
    const code =
      `require('hcsshim-ts'); require('hcsshim-ts/schemas');` +
      `console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/]zod[\\\\/]/.test(f)).length))`;
    const run = inConsumer(code, 'cjs');
    expect(run.stderr).toBe('');
    expect(run.output).toBe(0);
  });

  it('the CLI entry does not load koffi', () => {
    const code =
      `process.argv = [process.argv[0], 'hcs', 'schema', 'process'];` +
      `require(${JSON.stringify(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))});`;
    const run = spawnSync(process.execPath, ['--require', tracker, '-e', code], {
      cwd: consumer,
      encoding: 'utf8',
      timeout: CHILD_TIMEOUT_MS,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"title": "ProcessConfig"');
    expect(run.stdout.trim().split(/\r?\n/).pop()).toBe('KOFFI_LOADED=false');
  });

  it('bin.hcs in package.json names the built CLI, which runs through the consumer link', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; version: string };
    expect(Object.keys(manifest.bin)).toEqual(['hcs']);
    // Resolve the way npm links a bin: relative to the installed package folder.
    const pkgDir = join(consumer, 'node_modules', 'hcsshim-ts');
    const bin = join(consumer === tempDir ? pkgDir : repoRoot, manifest.bin.hcs!);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const run = spawnSync(process.execPath, [bin, '--version'], { cwd: consumer, encoding: 'utf8', timeout: CHILD_TIMEOUT_MS });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(manifest.version);
  });
});

// The "types" conditions: a TypeScript consumer with module/moduleResolution nodenext must get the declarations from
// both a CommonJS file (.cts, resolved with the "require" condition) and an ES module (.mts, the "import" condition),
// for the root and ./schemas. `@ts-expect-error` lines prove the types are real, not `any`. Needs the native tsc,
// which the Windows lane (Node under Wine) cannot run.
describe('package types', () => {
  const consumerSource = (header: string): string =>
    `${header}\n` +
    `const p: ProcessConfig = { CommandLine: 'cmd /c echo hi', ConsoleSize: [25, 80] };\n` +
    `const wire: string = encodeProcessConfig(p);\n` +
    `const issues: ValidationIssue[] = validateDocument('process', p);\n` +
    `// @ts-expect-error CommandLine is a string\n` +
    `const bad: ProcessConfig = { CommandLine: 1 };\n` +
    `// @ts-expect-error unknown document kind\n` +
    `validateDocument('nope', {});\n` +
    `const status: number = decodeProcessStatus('{}').ExitCode;\n` +
    `const create: (id: string, config: ContainerConfig) => Promise<unknown> = root.createContainer;\n` +
    `// @ts-expect-error escapeArgs takes an array\n` +
    `root.escapeArgs('x');\n` +
    `export { wire, issues, bad, status, create };\n`;
  const imports =
    `import { decodeProcessStatus, encodeProcessConfig, validateDocument, type ContainerConfig, type ProcessConfig, type ValidationIssue } from 'hcsshim-ts/schemas';\n` +
    `import * as root from 'hcsshim-ts';`;

  itIf(onPosix, 'the native tsc does not run under Wine')('resolve for require (.cts) and import (.mts) consumers', () => {
    if (consumer !== tempDir) return; // no link: nothing to type-check as a consumer
    const dir = join(tempDir, 'types');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'cjs.cts'),
      consumerSource(`${imports}\nimport manifest = require('hcsshim-ts/package.json');\nexport const name: string = manifest.name;`),
    );
    writeFileSync(join(dir, 'esm.mts'), consumerSource(imports));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          resolveJsonModule: true,
          lib: ['es2023'],
          types: ['node'],
          typeRoots: [join(repoRoot, 'node_modules', '@types')],
        },
        files: ['cjs.cts', 'esm.mts'],
      }),
    );
    const tsc = join(repoRoot, 'node_modules', '@typescript', 'native', 'bin', 'tsc');
    const run = spawnSync(process.execPath, [tsc, '-p', dir, '--traceResolution'], { encoding: 'utf8', timeout: 60_000 });
    const errors = run.stdout.split(/\r?\n/).filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([]);
    expect(run.status).toBe(0);
    // Both specifiers resolved to the declarations in dist/, from both module kinds.
    const resolved = run.stdout.split(/\r?\n/).filter((line) => /Module name 'hcsshim-ts[^']*' was successfully resolved/.test(line));
    expect(resolved.filter((l) => l.includes("'hcsshim-ts/schemas'") && /dist\/schemas\/index\.d\.ts/.test(l))).toHaveLength(2);
    expect(resolved.filter((l) => l.includes("'hcsshim-ts'") && /dist\/src\/index\.d\.ts/.test(l))).toHaveLength(2);
  }, 90_000);
});
