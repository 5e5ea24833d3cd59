import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { onWindows } from '../../support/lanes';

/**
 * How long one child Node (the CLI, a consumer script) may take. Why more on the Windows lane: every child there is
 * a Windows node.exe started under Wine, which took 5-7 s on 2 cores with other work running, and over 20 s on a
 * heavily loaded machine (spawnSync ETIMEDOUT). A hung child still fails, only later; the tests are synchronous, so
 * jest's own timeout does not cut them short.
 */
export const CHILD_TIMEOUT_MS = onWindows ? 60_000 : 20_000;

/** The repository root. */
export const repoRoot = join(__dirname, '..', '..', '..');
/** The built CLI entry point (package.json `bin.hcs`). */
export const cliMain = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
/** The CLI test fixtures. */
export const fixtures = join(repoRoot, 'test', 'fixtures', 'cli');

/**
 * Makes sure dist/ holds the built CLI. The jest global setup normally builds it; when a single test file runs
 * without it, build here. Not on Windows: the Windows lane runs jest under Windows Node in Wine, where the native
 * tsc cannot run, and dist/ was built on the Linux side beforehand.
 */
export function ensureBuilt(): void {
  if (existsSync(cliMain) || process.platform === 'win32') return;
  try {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build-dist.js')], { cwd: repoRoot, stdio: 'pipe' });
  } catch {
    // Type errors elsewhere in the tree still emit JavaScript; the existence check below is what matters.
  }
  if (!existsSync(cliMain)) throw new Error(`building dist failed: ${cliMain} is missing`);
}

/** What one run of the CLI produced. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/src/cli/main.js ...args` as a real subprocess, from the fixtures folder unless `cwd` is given. */
export function hcs(args: readonly string[], options: { input?: string | Buffer; cwd?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [cliMain, ...args], {
    cwd: options.cwd ?? fixtures,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: CHILD_TIMEOUT_MS,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Output lines without the trailing empty one; CRLF-tolerant. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line !== '');
}
