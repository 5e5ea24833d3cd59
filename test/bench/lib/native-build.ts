import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** The repository root. */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Where the benchmark's native helpers are built (git-ignored). */
export const benchBuildDir = path.join(repoRoot, 'test', 'bench', 'build');
const nativeDir = path.join(repoRoot, 'test', 'bench', 'native');

/** The simulator library that `npm run build:sim` produces. */
export const simLibrary = path.join(repoRoot, 'test', 'sim', 'build', 'libvmcompute-sim.so');

/** Paths of the benchmark's native helpers once built. */
export interface NativeHelpers {
  /** `notify-floor.c`: the bare koffi callback floor. */
  floorLibrary: string;
  /** `notify-stamp.c`: the simulator with timestamped ProcessExited delivery (null when the simulator is missing). */
  stampLibrary: string | null;
  /** `lifecycle-client.c`: the native lifecycle reference. */
  lifecycleClient: string;
  /** `stream-producer.c`: the stdio producer. */
  streamProducer: string;
}

function newer(output: string, inputs: string[]): boolean {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return inputs.every((input) => statSync(input).mtimeMs <= built);
}

function cc(args: string[]): void {
  execFileSync(process.env.CC ?? 'cc', args, { stdio: ['ignore', 'inherit', 'inherit'] });
}

/**
 * Builds the simulator through the project's script. A failed build is fatal only when no simulator library exists
 * (the script also builds test drivers, which must not stop a benchmark run).
 */
export function buildSimulator(): void {
  const script = path.join(repoRoot, 'scripts', 'build-sim.js');
  try {
    execFileSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'], cwd: repoRoot });
  } catch (err) {
    if (!existsSync(simLibrary)) throw err;
    process.stderr.write('bench: WARNING: build-sim reported an error; using the existing simulator library\n');
  }
}

/**
 * Compiles the native helpers with the host `cc` into test/bench/build/, only when a source is newer than its output.
 * The timestamping library links against the simulator, so it is rebuilt whenever the simulator is.
 */
export function buildNativeHelpers(): NativeHelpers {
  mkdirSync(benchBuildDir, { recursive: true });
  const warn = ['-O2', '-Wall', '-Wextra', '-std=c11'];
  const src = (name: string) => path.join(nativeDir, name);
  const out = (name: string) => path.join(benchBuildDir, name);

  // Why -z nodelete: these libraries start threads that live as long as the process; koffi unloads a library when
  // its last JS reference is collected (and at exit), which would unmap code those threads are still running.
  const floorLibrary = out('libnotify-floor.so');
  if (!newer(floorLibrary, [src('notify-floor.c')])) {
    cc([...warn, '-shared', '-fPIC', '-Wl,-z,nodelete', '-o', floorLibrary, src('notify-floor.c'), '-lpthread']);
  }
  const lifecycleClient = out('lifecycle-client');
  if (!newer(lifecycleClient, [src('lifecycle-client.c')])) {
    cc([...warn, '-o', lifecycleClient, src('lifecycle-client.c'), '-lpthread', '-ldl']);
  }
  const streamProducer = out('stream-producer');
  if (!newer(streamProducer, [src('stream-producer.c')])) {
    cc([...warn, '-o', streamProducer, src('stream-producer.c')]);
  }
  let stampLibrary: string | null = null;
  if (existsSync(simLibrary)) {
    stampLibrary = out('libnotify-stamp.so');
    if (!newer(stampLibrary, [src('notify-stamp.c'), simLibrary])) {
      // Why link by directory and rpath: dlsym() on the stamp library must fall through to the simulator for every
      // export it does not define, which needs the simulator as a DT_NEEDED dependency found at load time.
      const simDir = path.dirname(simLibrary);
      cc([
        ...warn, '-shared', '-fPIC', '-Wl,-z,nodelete', '-o', stampLibrary, src('notify-stamp.c'),
        `-L${simDir}`, '-Wl,--no-as-needed', `-l:${path.basename(simLibrary)}`, `-Wl,-rpath,${simDir}`, '-ldl',
      ]);
    }
  }
  return { floorLibrary, stampLibrary, lifecycleClient, streamProducer };
}
