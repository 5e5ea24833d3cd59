import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { itIf, onPosix } from '../support/lanes';

/**
 * Enforces the layer rules of design.md by reading every import of src/ and schemas/ (with the TypeScript parser, so
 * `import type`, `export ... from`, `require()` and `import()` are all seen), and checks at run time that importing
 * the package root or the schemas subpath does not load koffi.
 */

const root = path.join(__dirname, '..', '..');

interface Edge {
  from: string; // repository-relative path, '/' separators
  specifier: string;
  target?: string; // repository-relative path of a resolved local module
  typeOnly: boolean;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  const absolute = path.join(root, dir);
  if (!fs.existsSync(absolute)) return out;
  for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (entry.name !== 'json' && entry.name !== 'node_modules') out.push(...listTs(rel));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(rel);
    }
  }
  return out;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)).replace(/\.(js|ts)$/, '');
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(root, candidate))) return candidate;
  }
  return `${base}.ts (unresolved)`;
}

function importsOf(file: string): Edge[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean): void => {
    const target = resolveLocal(file, specifier);
    edges.push(target === undefined ? { from: file, specifier, typeOnly } : { from: file, specifier, target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      let typeOnly = false;
      if (clause) {
        const bindings = clause.namedBindings;
        // `import type X`, or `import { type A, type B }` with no default import: erased from the output.
        typeOnly =
          clause.isTypeOnly ||
          (!clause.name &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((element) => element.isTypeOnly));
      }
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true); // `typeof import('x')` in a type position
    } else if (
      ts.isCallExpression(node) &&
      node.arguments.length >= 1 &&
      ts.isStringLiteral(node.arguments[0]!) &&
      ((ts.isIdentifier(node.expression) && node.expression.text === 'require') ||
        node.expression.kind === ts.SyntaxKind.ImportKeyword)
    ) {
      add((node.arguments[0] as ts.StringLiteral).text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const files = [...listTs('src'), ...listTs('schemas')];
const edges = files.flatMap(importsOf);

function violations(predicate: (edge: Edge) => boolean): string[] {
  return edges.filter(predicate).map((e) => `${e.from} imports ${e.typeOnly ? 'type from ' : ''}'${e.specifier}'`);
}

const inDir = (file: string, dir: string): boolean => file.startsWith(`${dir}/`);
const isKoffi = (specifier: string): boolean => specifier === 'koffi' || specifier.startsWith('koffi/');
const isNodeBuiltin = (specifier: string): boolean => specifier.startsWith('node:');

describe('layer rules (design.md)', () => {
  it('finds the source files and their imports (the scan itself works)', () => {
    expect(files).toContain('src/errors.ts');
    expect(files).toContain('src/ffi/vmcompute.ts');
    expect(edges.some((e) => e.from === 'src/ffi/vmcompute.ts' && e.target === 'src/errors.ts' && !e.typeOnly)).toBe(true);
    expect(edges.some((e) => e.from === 'src/ffi/koffi-runtime.ts' && e.specifier === 'koffi' && e.typeOnly)).toBe(true);
    expect(edges.some((e) => e.from === 'src/ffi/koffi-runtime.ts' && e.specifier === 'koffi' && !e.typeOnly)).toBe(true);
  });

  it('no local import is unresolved', () => {
    expect(violations((e) => e.target?.endsWith('(unresolved)') ?? false)).toEqual([]);
  });

  it('koffi is imported only in src/ffi', () => {
    expect(violations((e) => isKoffi(e.specifier) && !inDir(e.from, 'src/ffi'))).toEqual([]);
  });

  it('schemas/ imports only zod and itself', () => {
    expect(
      violations(
        (e) =>
          inDir(e.from, 'schemas') &&
          !(e.specifier === 'zod' || e.specifier.startsWith('zod/') || (e.target !== undefined && inDir(e.target, 'schemas'))),
      ),
    ).toEqual([]);
  });

  it('src/errors.ts imports only the leaf src/redact-secrets (which imports nothing) and ../schemas/validation-error', () => {
    expect(
      violations(
        (e) =>
          e.from === 'src/errors.ts' &&
          e.target !== 'schemas/validation-error.ts' &&
          e.target !== 'src/redact-secrets.ts' &&
          !isNodeBuiltin(e.specifier),
      ),
    ).toEqual([]);
    expect(violations((e) => e.from === 'src/redact-secrets.ts')).toEqual([]);
  });

  it('src/core never imports src/api, src/index, src/cli or koffi, and takes only types from src/ffi', () => {
    expect(
      violations(
        (e) =>
          inDir(e.from, 'src/core') &&
          (isKoffi(e.specifier) ||
            (e.target !== undefined &&
              (inDir(e.target, 'src/api') || inDir(e.target, 'src/cli') || e.target === 'src/index.ts' || (inDir(e.target, 'src/ffi') && !e.typeOnly)))),
      ),
    ).toEqual([]);
  });

  it('src/ffi never imports src/core, src/api, src/cli or src/index', () => {
    expect(
      violations(
        (e) =>
          inDir(e.from, 'src/ffi') &&
          e.target !== undefined &&
          (inDir(e.target, 'src/core') || inDir(e.target, 'src/api') || inDir(e.target, 'src/cli') || e.target === 'src/index.ts'),
      ),
    ).toEqual([]);
  });

  it('src/api is imported only by src/api, src/index and src/cli', () => {
    expect(
      violations(
        (e) =>
          e.target !== undefined &&
          inDir(e.target, 'src/api') &&
          !(inDir(e.from, 'src/api') || e.from === 'src/index.ts' || inDir(e.from, 'src/cli')),
      ),
    ).toEqual([]);
  });

  it('arrows point down only: nothing below src/cli imports it, and schemas/ imports nothing from src/', () => {
    expect(violations((e) => e.target !== undefined && inDir(e.target, 'src/cli') && !inDir(e.from, 'src/cli'))).toEqual([]);
    expect(violations((e) => inDir(e.from, 'schemas') && e.target !== undefined && inDir(e.target, 'src'))).toEqual([]);
  });

  it('there are no import cycles (type-only imports included)', () => {
    const graph = new Map<string, string[]>();
    for (const file of files) graph.set(file, []);
    for (const e of edges) if (e.target !== undefined && graph.has(e.target)) graph.get(e.from)!.push(e.target);
    expect(findCycles(graph)).toEqual([]);
  });

  it('the cycle detector finds a planted cycle and accepts a diamond (self-check)', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCycles(cyclic)).toEqual(['a -> b -> c -> a']);
    const diamond = new Map([
      ['a', ['b', 'c']],
      ['b', ['d']],
      ['c', ['d']],
      ['d', []],
    ]);
    expect(findCycles(diamond)).toEqual([]);
  });
});

/** Depth-first search over the import graph; every back edge is reported as `a -> b -> ... -> a`. */
function findCycles(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const walk = (node: string): void => {
    state.set(node, 'active');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'active') cycles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (s === undefined) walk(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) walk(node);
  return cycles;
}

describe('importing does not load koffi', () => {
  // A child process, so this test's own module registry (jest's) does not matter; Node's require.cache tells
  // whether any koffi file was evaluated.
  function loadsKoffi(entry: string, viaTsx: boolean): { koffiLoaded: boolean; exports: number } {
    const script = `
      const mod = require(${JSON.stringify(entry)});
      const koffiLoaded = Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/](koffi|@koromix)[\\\\/]/.test(k));
      process.stdout.write(JSON.stringify({ koffiLoaded, exports: Object.keys(mod).length }));
    `;
    const args = viaTsx ? ['--require', require.resolve('tsx/cjs'), '-e', script] : ['-e', script];
    const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', env: { ...process.env, HCS_VMCOMPUTE_DLL: '' } });
    return JSON.parse(out) as { koffiLoaded: boolean; exports: number };
  }

  it('the probe does see koffi when something loads it (self-check)', () => {
    expect(loadsKoffi(path.join(root, 'node_modules', 'koffi'), false).koffiLoaded).toBe(true);
  });

  // Why the src probes are POSIX-only: they run TypeScript through tsx, whose esbuild binary is the Linux one; the
  // Windows lane checks the built dist/ files, which are what users load.
  const srcProbe = itIf(onPosix, 'tsx/esbuild has no native binary for Windows Node in this checkout');

  srcProbe('src/ffi/vmcompute.ts (the binding itself) loads koffi only at the first call', () => {
    expect(loadsKoffi(path.join(root, 'src', 'ffi', 'vmcompute.ts'), true)).toEqual({ koffiLoaded: false, exports: expect.any(Number) });
  });

  for (const [label, entry] of [
    ['the package root (src)', path.join(root, 'src', 'index.ts')],
    ['the schemas subpath (src)', path.join(root, 'schemas', 'index.ts')],
  ] as const) {
    srcProbe(label, () => {
      const result = loadsKoffi(entry, true);
      expect(result.exports).toBeGreaterThan(0);
      expect(result.koffiLoaded).toBe(false);
    });
  }

  it.each([
    ['the binding module (dist)', path.join(root, 'dist', 'src', 'ffi', 'vmcompute.js'), false],
    ['the package root (dist)', path.join(root, 'dist', 'src', 'index.js'), false],
    ['the schemas subpath (dist)', path.join(root, 'dist', 'schemas', 'index.js'), false],
  ])('%s', (_label, entry, viaTsx) => {
    const result = loadsKoffi(entry, viaTsx);
    expect(result.exports).toBeGreaterThan(0);
    expect(result.koffiLoaded).toBe(false);
  });
});
