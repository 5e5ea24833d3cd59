import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { itIf } from '../../support/lanes';
import { ensureBuilt, fixtures, repoRoot } from './cli-harness';

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
  const run = spawnSync(process.execPath, args, { cwd: consumer, encoding: 'utf8', timeout: 20_000 });
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

  it('the CLI entry does not load koffi', () => {
    const code =
      `process.argv = [process.argv[0], 'hcs', 'schema', 'process'];` +
      `require(${JSON.stringify(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))});`;
    const run = spawnSync(process.execPath, ['--require', tracker, '-e', code], {
      cwd: consumer,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('"title": "ProcessConfig"');
    expect(run.stdout.trim().split(/\r?\n/).pop()).toBe('KOFFI_LOADED=false');
  });
});
