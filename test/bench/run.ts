/**
 * `npm run bench`: builds what the benchmarks need, runs each in a fresh Node process against the simulator, prints
 * a table (median, p99, reference, ratio, target) and, with `--json`, one JSON object as the last line.
 *
 * usage: tsx test/bench/run.ts [--json] [--quick] [--only notify,lifecycle,...]
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { type BenchOptions, runChild } from './lib/child';
import { buildNativeHelpers, buildSimulator, repoRoot, simLibrary } from './lib/native-build';
import { type BenchResult, renderTable } from './lib/report';

interface Benchmark {
  name: string;
  file: string;
  /** The library the binding loads (HCS_VMCOMPUTE_DLL) for this benchmark. */
  library: 'sim' | 'stamp' | 'none';
}

const benchmarks: Benchmark[] = [
  { name: 'notify', file: 'notify.ts', library: 'stamp' },
  { name: 'lifecycle', file: 'lifecycle.ts', library: 'sim' },
  { name: 'stdio', file: 'stdio.ts', library: 'sim' },
  { name: 'eventLoop', file: 'event-loop.ts', library: 'sim' },
  { name: 'scale', file: 'scale.ts', library: 'sim' },
  { name: 'encode', file: 'encode.ts', library: 'none' },
  { name: 'importMs', file: 'import-time.ts', library: 'none' },
];

/** The keys of the summary JSON, in the documented shape, with every field present. */
const summaryShape: Record<string, string[]> = {
  notify: ['bindingUs', 'koffiRawUs'],
  lifecycle: ['bindingPerSec', 'cPerSec'],
  stdio: ['bindingMBps', 'childProcessMBps'],
  eventLoop: ['lagP99Ms', 'fsSlowdown'],
  scale: ['handles', 'rssPerHandleBytes', 'registeredCallbacks'],
  encode: ['processConfigPerSec', 'containerConfigPerSec'],
  importMs: ['schemas', 'root'],
};

function parseArgs(argv: string[]): { json: boolean; options: BenchOptions; only: Set<string> | null } {
  const only = argv.find((a, i) => argv[i - 1] === '--only' || a.startsWith('--only='));
  const list = only?.replace(/^--only=/, '');
  return {
    json: argv.includes('--json'),
    options: { quick: argv.includes('--quick') },
    only: list ? new Set(list.split(',').map((s) => s.trim())) : null,
  };
}

function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((l) => l.toFixed(2)).join(' '),
  };
}

async function main(): Promise<number> {
  const { json, options, only } = parseArgs(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log('bench: building the simulator, dist/ and the native helpers');
  buildSimulator();
  try {
    // The same build as `npm run build`: the import benchmark measures the bundled entry points users load.
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'build-dist.js'), '--quiet'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  } catch {
    log('bench: WARNING: building dist/ failed (see above); continuing with what is there');
  }
  const helpers = buildNativeHelpers();
  const env = machine();
  log(`bench: ${env.date} on ${env.cpu} x${env.cores}, ${env.memoryGiB} GiB, ${env.os}, Node ${env.node}, load ${env.loadAverage}${options.quick ? ' (QUICK: reduced sizes)' : ''}`);

  const results: BenchResult[] = [];
  const failures: Record<string, string> = {};
  for (const bench of benchmarks) {
    if (only && !only.has(bench.name)) continue;
    log(`bench: ${bench.name}`);
    const library = bench.library === 'stamp' ? helpers.stampLibrary : bench.library === 'sim' ? simLibrary : undefined;
    try {
      results.push(
        await runChild(path.join(__dirname, 'benchmarks', bench.file), options, library ? { HCS_VMCOMPUTE_DLL: library } : {}),
      );
    } catch (err) {
      failures[bench.name] = err instanceof Error ? err.message : String(err);
      log(`bench: ${bench.name} FAILED: ${failures[bench.name]}`);
    }
  }

  const table = renderTable(results);
  (json ? process.stderr : process.stdout).write(`\n${table}\n\n`);
  if (json) {
    const summary: Record<string, unknown> = {};
    for (const [name, keys] of Object.entries(summaryShape)) {
      const found = results.find((r) => r.name === name);
      summary[name] = found ? { ...Object.fromEntries(keys.map((k) => [k, found.summary[k] ?? null])), ...found.summary } : null;
    }
    summary.meta = { ...env, quick: options.quick, failures };
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  return Object.keys(failures).length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
