import path from 'node:path';

/**
 * The host programs the soak's processes run, as argv: POSIX tools on Linux; on the Windows lane the simulator's
 * helper executable (test/sim/tests-win/win-child.c), since there is no /bin/sh under Windows Node.
 */
export interface SoakPrograms {
  /** Exits at once with `code`. */
  exit(code: number): string[];
  /** Copies stdin to stdout until end of input. */
  cat(): string[];
  /** Sleeps for `seconds`. */
  sleep(seconds: number): string[];
}

const posix: SoakPrograms = {
  exit: (code) => ['/bin/sh', '-c', `exit ${code}`],
  cat: () => ['/bin/cat'],
  sleep: (seconds) => ['/bin/sh', '-c', `sleep ${seconds}`],
};

function windows(child: string): SoakPrograms {
  return {
    exit: (code) => [child, 'exit', String(code)],
    cat: () => [child, 'copy'],
    sleep: (seconds) => [child, 'sleep', String(seconds)],
  };
}

/** The programs for this platform (`win-child.exe` is built with the simulator DLL by `npm run build:sim`). */
export function soakPrograms(platform: NodeJS.Platform = process.platform): SoakPrograms {
  if (platform !== 'win32') return posix;
  return windows(path.join(__dirname, '..', '..', 'sim', 'build', 'win-child.exe'));
}
