import { execFileSync } from 'node:child_process';
import { benchMain, progress } from '../lib/child';
import { repoRoot } from '../lib/native-build';
import type { BenchResult } from '../lib/report';
import { median, round } from '../lib/stats';

/** Cold `require` of a subpath of the built package in a fresh Node process: milliseconds and whether koffi loaded. */
function coldRequire(specifier: string): { ms: number; koffi: boolean } {
  // Why a self-reference by package name: it goes through the package's `exports` map, as a user's require does.
  const script = `
    const t0 = process.hrtime.bigint();
    require(${JSON.stringify(specifier)});
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const koffi = Object.keys(require.cache).some((k) => /[\\\\/]node_modules[\\\\/](koffi|@koromix)[\\\\/]/.test(k));
    process.stdout.write(JSON.stringify({ ms, koffi }));`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out) as { ms: number; koffi: boolean };
}

benchMain(async (options) => {
  const runs = options.quick ? 3 : 9;
  const measure = (specifier: string) => {
    const samples = Array.from({ length: runs }, () => coldRequire(specifier));
    return { ms: median(samples.map((s) => s.ms)), koffi: samples.some((s) => s.koffi) };
  };
  const zod = measure('zod');
  const schemas = measure('hcsshim-ts/schemas');
  const root = measure('hcsshim-ts');
  progress(`import: schemas ${schemas.ms.toFixed(1)} ms, root ${root.ms.toFixed(1)} ms, zod alone ${zod.ms.toFixed(1)} ms (median of ${runs} fresh processes)`);
  // zod alone is the reference: what the package's one dependency costs by itself on this machine in this run. The
  // schemas bundle carries the part of zod it uses (scripts/build-dist.js), so it can load faster than this.
  const row = (metric: string, m: { ms: number; koffi: boolean }) => ({
    metric,
    median: m.ms,
    referenceName: 'require("zod") alone',
    reference: zod.ms,
    ratio: m.ms / zod.ms,
    target: '<= 150 ms, no koffi',
    met: m.ms <= 150 && !m.koffi,
  });
  const result: BenchResult = {
    name: 'importMs',
    summary: { schemas: round(schemas.ms, 1), root: round(root.ms, 1), zodAlone: round(zod.ms, 1) },
    rows: [row('import: require("hcsshim-ts/schemas") (ms)', schemas), row('import: require("hcsshim-ts") (ms)', root)],
    notes: [
      `koffi loaded by the import: schemas=${schemas.koffi}, root=${root.koffi}`,
      `median of ${runs} fresh processes, dist/ build through the package exports map`,
    ],
  };
  return result;
});
