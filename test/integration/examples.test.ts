import { execFile, spawn } from 'node:child_process';
import * as path from 'node:path';
import { itIf, onPosix } from '../support/lanes';

const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runExample(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const childEnv = { ...process.env, ...env };
  // The demo must find and build the simulator by itself: do not hand it the suite's library.
  delete childEnv.HCS_VMCOMPUTE_DLL;
  return new Promise((resolve) => {
    const child = execFile(tsx, [path.join(root, 'examples', file), ...args], { cwd: root, env: childEnv, timeout: 60_000 }, (_err, stdout, stderr) =>
      resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

// The Windows lane runs the suite under Windows Node, where the demo would talk to the real HCS (absent under Wine);
// its simulator mode exists only off Windows.
const posixOnly = itIf(onPosix, 'the demo uses the real HCS on win32');

describe('examples/create-and-exec.ts (npm start)', () => {
  posixOnly('says it uses the simulator first, streams the command output and exits with its code', async () => {
    const run = await runExample('create-and-exec.ts');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/simulator/i);
    expect(lines[0]).toMatch(/HCS_VMCOMPUTE_DLL/);
    expect(run.stdout).toContain('hello from a simulated container');
    expect(run.stderr).toContain('this line goes to stderr');
    expect(run.stdout).toMatch(/exited with code 0/);
    expect(run.stdout).toMatch(/container stopped/);
    expect(run.code).toBe(0);
  }, 90_000);

  posixOnly('passes the exit code of a failing command through', async () => {
    const run = await runExample('create-and-exec.ts', ['--command', 'echo out-line; echo err-line >&2; exit 7']);
    expect(run.stdout).toContain('out-line');
    expect(run.stderr).toContain('err-line');
    expect(run.stdout).toMatch(/exited with code 7/);
    expect(run.code).toBe(7);
  }, 90_000);

  posixOnly('on SIGINT terminates the container, leaves no process behind and exits 130', async () => {
    const childEnv = { ...process.env };
    delete childEnv.HCS_VMCOMPUTE_DLL;
    const child = spawn(tsx, [path.join(root, 'examples', 'create-and-exec.ts'), '--command', 'exec sleep 57'], { cwd: root, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const pid = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /process (\d+) running/.exec(stdout);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`the demo ended first: ${stdout} ${stderr}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // tsx forwards the signal to the example's node process.
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\): container terminated/);
    // The command's process (its own session in the simulator, so the signal never reached it) is gone.
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  }, 90_000);

  posixOnly('runs argv after -- without a shell', async () => {
    const run = await runExample('create-and-exec.ts', ['--', process.execPath, '-e', "console.log('argv ok ' + (1 + 2))"]);
    expect(run.stdout).toContain('argv ok 3');
    expect(run.code).toBe(0);
  }, 90_000);
});

describe('the other examples run against the simulator', () => {
  posixOnly('list-containers prints a table', async () => {
    const run = await runExample('list-containers.ts', ['--demo']);
    expect(run.stderr).toMatch(/^Not on Windows: using the HCS simulator/);
    expect(run.stdout).toMatch(/ID\s+NAME\s+STATE/);
    expect(run.stdout).toMatch(/running/i);
    expect(run.code).toBe(0);
  }, 90_000);

  posixOnly('watch-statistics prints samples', async () => {
    const run = await runExample('watch-statistics.ts', ['--samples', '2', '--interval', '100']);
    expect(run.stdout.match(/memory/gi)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(run.code).toBe(0);
  }, 90_000);

  posixOnly('abort-wait shows a timeout and an abort', async () => {
    const run = await runExample('abort-wait.ts');
    expect(run.stdout).toMatch(/ERR_HCS_TIMEOUT/);
    expect(run.stdout).toMatch(/AbortError/);
    expect(run.code).toBe(0);
  }, 90_000);

  posixOnly('interactive-exec relays stdin when it is not a terminal', async () => {
    const run = await new Promise<Run>((resolve) => {
      const env = { ...process.env };
      delete env.HCS_VMCOMPUTE_DLL;
      const child = execFile(
        tsx,
        [path.join(root, 'examples', 'interactive-exec.ts'), '--', 'sh', '-c', 'read line; echo "got $line"'],
        { cwd: root, env, timeout: 60_000 },
        (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
      );
      child.stdin!.end('ping\n');
    });
    expect(run.stdout).toContain('got ping');
    expect(run.code).toBe(0);
  }, 90_000);
});
