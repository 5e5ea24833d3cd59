'use strict';
/**
 * `node --require` hook for benchmark children: compiles each TypeScript file with esbuild and the options
 * `scripts/build-dist.js` gives the shipped bundles (CommonJS, target node20, the project's tsconfig), one file at a
 * time so that `__dirname` and the test helpers' imports stay as they are.
 *
 * Why not tsx, which the tests and the soak use: tsx compiles with esbuild's `keepNames`, which wraps every function
 * and closure the code creates in a call that redefines its `name` property. The package users install has no such
 * calls, and on the hot paths (a lifecycle creates dozens of closures) they cost measurable time, so benchmarks run
 * under tsx measured slower code than the product.
 */
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const repoRoot = path.resolve(__dirname, '..', '..', '..');
// esbuild reads only the compiler options that change its output (target, class-field semantics and the like).
const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8'));

function compile(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = esbuild.transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcefile: filename,
    sourcemap: 'inline',
    tsconfigRaw: { compilerOptions },
  });
  module._compile(code, filename);
}

require.extensions['.ts'] = compile;
