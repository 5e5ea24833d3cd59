#!/usr/bin/env node
// Builds the HCS simulator (test/sim) when its sources changed: the Linux shared library and C test driver with the
// host compiler, and vmcompute.dll with mingw-w64 when x86_64-w64-mingw32-gcc is on PATH. A hash of the sources,
// flags and compiler name is stored beside each output, so an up-to-date run only reads and hashes a few files.
// Usage: node scripts/build-sim.js [--force] [--no-dll]
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const simDir = path.join(root, 'test', 'sim');
const srcDir = path.join(simDir, 'src');
const includeDir = path.join(simDir, 'include');
const testsDir = path.join(simDir, 'tests');
const buildDir = path.join(simDir, 'build');
const force = process.argv.includes('--force');
const noDll = process.argv.includes('--no-dll');

function listFiles(dir, exts) {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .sort()
    .map((f) => path.join(dir, f));
}

function onPath(exe) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, exe))) return true;
  }
  return false;
}

function hashOf(files, compiler, args) {
  const h = crypto.createHash('sha256');
  h.update(JSON.stringify([compiler, args]));
  for (const f of files) {
    h.update(path.relative(root, f));
    h.update('\0');
    h.update(fs.readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

const rel = (p) => path.relative(root, p);

/** Runs one compiler invocation unless `output` is up to date; exits the process on failure. */
function build({ output, compiler, args, inputs }) {
  const stamp = `${output}.hash`;
  const hash = hashOf(inputs, compiler, args);
  if (!force && fs.existsSync(output) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === hash) return false;
  fs.mkdirSync(buildDir, { recursive: true });
  const r = spawnSync(compiler, args, { cwd: root, encoding: 'utf8' });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.error || r.status !== 0) {
    process.stderr.write(out);
    process.stderr.write(`build-sim: building ${rel(output)} failed${r.error ? `: ${r.error.message}` : ''}\n`);
    try {
      fs.rmSync(stamp, { force: true });
    } catch {
      // nothing to remove
    }
    process.exit(1);
  }
  if (out.trim()) process.stderr.write(out);
  fs.writeFileSync(stamp, hash);
  console.log(`build-sim: built ${rel(output)}`);
  return true;
}

// Platform seams: platform-posix*.c for the shared library, platform-win32*.c for the DLL; everything else is shared.
const allSources = listFiles(srcDir, ['.c']);
const common = allSources.filter((f) => !path.basename(f).startsWith('platform-'));
const seam = (prefix) => allSources.filter((f) => path.basename(f).startsWith(prefix));
const headers = [...listFiles(srcDir, ['.h']), ...listFiles(includeDir, ['.h'])];
const warn = ['-Wall', '-Wextra', '-Wno-unused-parameter'];

if (process.platform !== 'win32') {
  const cc = process.env.CC || 'cc';
  const lib = path.join(buildDir, 'libvmcompute-sim.so');
  const libSources = [...common, ...seam('platform-posix')];
  build({
    output: lib,
    compiler: cc,
    // -z nodelete: koffi unloads libraries while Node tears down its environment; the simulator's dispatch threads
    // may still be parked inside the library then, and unmapping their code crashed Node at exit (SIGSEGV in
    // 10-30% of runs). Keeping the image mapped for the process lifetime is what a system DLL gets anyway.
    args: ['-std=gnu11', '-O2', '-g', ...warn, '-fPIC', '-shared', '-pthread', '-fvisibility=hidden',
      '-Wl,-z,nodelete', `-I${includeDir}`, '-o', lib, ...libSources],
    inputs: [...libSources, ...headers],
  });
  const driverSources = listFiles(testsDir, ['.c']);
  if (driverSources.length) {
    const driver = path.join(buildDir, 'sim-driver');
    build({
      output: driver,
      compiler: cc,
      args: ['-std=gnu11', '-O1', '-g', ...warn, '-pthread', `-I${includeDir}`, '-o', driver, ...driverSources,
        `-L${buildDir}`, '-l:libvmcompute-sim.so', '-Wl,-rpath,$ORIGIN'],
      inputs: [...driverSources, ...listFiles(testsDir, ['.h']), ...headers],
    });
  }
}

const mingw = 'x86_64-w64-mingw32-gcc';
if (!noDll && process.platform !== 'win32' && onPath(mingw)) {
  const dll = path.join(buildDir, 'vmcompute.dll');
  const dllSources = [...common, ...seam('platform-win32')];
  if (seam('platform-win32').length) {
    // Static libgcc and no winpthread: the DLL must load in Wine/Windows with nothing but system DLLs beside it.
    build({
      output: dll,
      compiler: mingw,
      args: ['-std=gnu11', '-O2', ...warn, '-D_WIN32_WINNT=0x0A00', '-shared', '-static', '-static-libgcc',
        `-I${includeDir}`, '-o', dll, ...dllSources, '-lole32'],
      inputs: [...dllSources, ...headers],
    });
    // The Windows smoke test of the DLL and its helper child, run by test/sim/sim-windows.test.ts on the Windows lane.
    const winTests = path.join(simDir, 'tests-win');
    for (const name of ['win-child', 'win-smoke']) {
      const source = path.join(winTests, `${name}.c`);
      if (!fs.existsSync(source)) continue;
      const exe = path.join(buildDir, `${name}.exe`);
      build({
        output: exe,
        compiler: mingw,
        args: ['-std=gnu11', '-O1', ...warn, '-Wno-cast-function-type', '-static', '-static-libgcc', '-o', exe, source,
          '-lole32'],
        inputs: [source],
      });
    }
  }
}
