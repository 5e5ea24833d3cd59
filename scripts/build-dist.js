#!/usr/bin/env node
// `npm run build`: compiles src/ and schemas/ into dist/ with tsc (TypeScript 7: every module, its declarations and
// source maps), then replaces the two package entry points with single-file bundles made by esbuild:
//
//   dist/schemas/index.js  all of schemas/ and the part of zod it uses, in one file; requires nothing
//   dist/src/index.js      all of src/ reachable from the root in one file; requires koffi (lazily, inside the
//                          function that first needs the DLL) and ../schemas/index.js (the bundle above)
//
// Why: a cold require() of the package is dominated by Node resolving, reading and compiling one file per module
// (about 1 ms each on the benchmark machine) and by running module bodies nobody uses, not by our own code. Bundling
// our ~70 modules into two files was the first half of the import-time budget of issue #6. The second half is zod:
// its package entry is ~95 files and ~1 MB (every locale, the JSON Schema importer, the compiler...) and took most of
// a cold require of the schemas by itself. The schemas import it as a namespace (`import * as z`), so esbuild keeps
// only the zod functions they reach (zod declares itself free of side effects; ~0.3 MB of its ESM build) and the
// schemas bundle no longer loads the zod package at all: about half the import time, measured by `npm run bench`.
// What that costs: the bundle carries a copy of the zod version it was built with (package.json still lists zod,
// for the declarations and the CLI, which runs from tsc's per-file output). zod 4 keeps its global registry and
// config on globalThis and checks instanceof by traits, so a consumer's own zod composes with the exported schemas
// and recognises their ZodErrors (test/unit/cli/schemas-bundle.test.ts checks both and holds the bundle to the
// source).
// The root bundle keeps schemas/ external so that `hcsshim-ts` and `hcsshim-ts/schemas` share one copy of every
// schema and of HcsValidationError (instanceof works across the two entry points). Modules loaded with require()
// inside a function (the FFI layer, Windows stdio) stay lazy in the bundle: esbuild initialises them on first
// require, exactly as separate files would be.
//
// The other files tsc wrote stay in dist/: the CLI (`bin: hcs`, dist/src/cli/main.js) runs from them, and the
// declarations the entry points' .d.ts files refer to are there.
'use strict';
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const quiet = process.argv.includes('--quiet');

function tsc() {
  const bin = path.join(root, 'node_modules', '@typescript', 'native', 'bin', 'tsc');
  execFileSync(process.execPath, [bin, '-p', 'tsconfig.build.json'], { cwd: root, stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'] });
}

/** Resolves every import of the schemas directory from src/ to the schemas bundle, as an external require. */
const schemasExternal = {
  name: 'schemas-external',
  setup(build) {
    const schemasDir = path.join(root, 'schemas');
    build.onResolve({ filter: /schemas/ }, (args) => {
      if (args.kind === 'entry-point' || !args.importer.startsWith(path.join(root, 'src') + path.sep)) return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      if (target !== schemasDir && !target.startsWith(schemasDir + path.sep)) return undefined;
      // Why only these: every other deep import would load a second copy of its module next to the bundle.
      // schemas/validation-error is what src/errors.ts (a leaf by the layer rules) imports; the index re-exports it.
      const viaIndex = [schemasDir, path.join(schemasDir, 'index'), path.join(schemasDir, 'validation-error')];
      if (!viaIndex.includes(target)) {
        return { errors: [{ text: `src/ must import schemas/ through its index (found ${args.path} in ${path.relative(root, args.importer)})` }] };
      }
      return { path: '../schemas/index.js', external: true };
    });
  },
};

async function bundle() {
  const esbuild = require('esbuild');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    tsconfig: path.join(root, 'tsconfig.build.json'),
    external: ['koffi'],
  };
  // zod is bundled into the schemas (see the top of this file); the root must never need it except through them.
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'schemas', 'index.ts')], outfile: path.join(root, 'dist', 'schemas', 'index.js') });
  await esbuild.build({
    ...common,
    entryPoints: [path.join(root, 'src', 'index.ts')],
    outfile: path.join(root, 'dist', 'src', 'index.js'),
    external: ['koffi', 'zod'],
    plugins: [schemasExternal],
  });
}

if (!process.argv.includes('--bundle-only')) tsc();
bundle().catch((err) => {
  // esbuild has already printed its diagnostics.
  if (!err?.errors) console.error(err);
  process.exitCode = 1;
});
