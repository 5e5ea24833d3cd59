/**
 * `npm run soak`: random sequences of lifecycle, process and stdio operations with random simulator faults (every
 * mode, plus service disconnects), up to 64 in flight; then checks that nothing leaked. Prints the totals and exits
 * non-zero when an invariant broke.
 *
 * usage: tsx test/bench/soak.ts [--iterations 10000] [--concurrency 64] [--seed N] [--fault-rate 0.3] [--json]
 */
import { buildSimulator, simLibrary } from './lib/native-build';

// Why before loading the binding: the FFI layer reads the variable when it first loads the library.
process.env.HCS_VMCOMPUTE_DLL = simLibrary;

function flag(name: string, fallback: number): number {
  const argv = process.argv.slice(2);
  const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return fallback;
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} needs a number`);
  return value;
}

async function main(): Promise<number> {
  buildSimulator();
  const { runSoak } = require('./lib/soak-engine') as typeof import('./lib/soak-engine');
  const iterations = flag('iterations', 10_000);
  const seed = flag('seed', Date.now() % 2 ** 31);
  const faultRate = flag('fault-rate', 0.3);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`soak: ${iterations} scenarios, seed ${seed}`);
  const report = await runSoak({
    iterations,
    concurrency: flag('concurrency', 64),
    seed,
    opTimeoutMs: flag('op-timeout', 3000),
    faultRate,
    disconnectEvery: flag('disconnect-every', 2500),
    log,
  });
  const rssOk = report.rssMB.growth < 20;
  // A fault rate that injected nothing over a long run means the injection itself broke: the run proved little.
  if (faultRate > 0 && iterations >= 200 && report.faultsInjected === 0) report.violations.push('no fault was injected');
  const lines = [
    `soak: ${report.iterations} scenarios in ${report.seconds.toFixed(1)} s (seed ${report.seed})`,
    `  operations: ${report.operations}`,
    `  scenarios: ${JSON.stringify(report.scenarios)}`,
    `  faults injected: ${report.faultsInjected} ${JSON.stringify(report.faultsByMode)}; refused by the simulator: ${report.faultsRejectedBySimulator}`,
    `  errors by code: ${JSON.stringify(report.errorsByCode)}`,
    `  unhandled rejections: ${report.unhandledRejections}, uncaught exceptions: ${report.uncaughtExceptions}`,
    `  simulator at the end: ${JSON.stringify(report.finalStats)}; registry entries ${report.registryEntries}`,
    `  koffi callbacks: baseline ${report.koffiCallbacks.baseline}, end ${report.koffiCallbacks.end}; binding callbacks: ${report.bindingCallbacks.baseline} -> ${report.bindingCallbacks.end}`,
    `  RSS${report.rssMB.trimmed ? ' (after GC and malloc_trim)' : ''}: ${report.rssMB.start} MB -> ${report.rssMB.end} MB (growth ${report.rssMB.growth} MB, limit 20 MB: ${rssOk ? 'ok' : 'EXCEEDED'}); untrimmed growth ${report.rssMB.untrimmedGrowth} MB`,
    `  violations: ${report.violations.length}`,
    ...report.violations.slice(0, 20).map((v) => `    - ${v}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(report)}\n`);
  return report.violations.length === 0 && rssOk ? 0 : 1;
}

// Why: should main() ever be left pending with nothing keeping Node alive, Node would exit 0 without a report.
let finished = false;
process.on('exit', (code) => {
  if (finished || code !== 0) return;
  process.stderr.write('soak: ended before its report (a pending wait with nothing keeping Node alive)\n');
  process.exitCode = 1;
});

main().then(
  (code) => {
    finished = true;
    process.exit(code);
  },
  (err: unknown) => {
    finished = true;
    process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
