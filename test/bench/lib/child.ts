import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './native-build';
import { type BenchResult, resultPrefix } from './report';

/** Options the runner passes to every benchmark child. */
export interface BenchOptions {
  /** Smaller sizes for a quick check of the harness; the numbers are then not the documented ones. */
  quick: boolean;
}

// Why not tsx: see compile-like-dist.cjs (the children must run the code as the package ships it).
const compileLikeDist = path.join(repoRoot, 'test', 'bench', 'lib', 'compile-like-dist.cjs');

/**
 * Runs one benchmark file in a fresh Node process (so RSS, koffi's state, the loaded library and the libuv pool are
 * its own) and returns the result it printed. Its progress output goes to our stderr.
 */
export function runChild(file: string, options: BenchOptions, env: NodeJS.ProcessEnv = {}): Promise<BenchResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--enable-source-maps', '--require', compileLikeDist, file], {
      cwd: repoRoot,
      env: { ...process.env, ...env, BENCH_OPTIONS: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      for (const line of chunk.split('\n')) if (line && !line.startsWith(resultPrefix)) process.stderr.write(`  ${line}\n`);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const line = out.split('\n').find((l) => l.startsWith(resultPrefix));
      if (code === 0 && line) resolve(JSON.parse(line.slice(resultPrefix.length)) as BenchResult);
      else reject(new Error(`${path.basename(file)} failed (exit ${code ?? signal})`));
    });
  });
}

/** Reads the runner's options inside a benchmark child. */
export function benchOptions(): BenchOptions {
  const raw = process.env.BENCH_OPTIONS;
  return raw ? (JSON.parse(raw) as BenchOptions) : { quick: false };
}

/**
 * The body of a benchmark child: runs `fn`, prints its result for the runner and exits (a benchmark that leaves a
 * handle open must not hang the run; the scale and soak checks assert the counters themselves).
 */
export function benchMain(fn: (options: BenchOptions) => Promise<BenchResult>): void {
  fn(benchOptions()).then(
    (result) => {
      process.stdout.write(`${resultPrefix}${JSON.stringify(result)}\n`, () => process.exit(0));
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** Prints a progress line (to stdout of the child; the runner indents and forwards it). */
export function progress(message: string): void {
  process.stdout.write(`${message}\n`);
}
