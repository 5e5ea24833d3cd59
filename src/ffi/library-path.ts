import * as path from 'node:path';

/** Where the binding loads vmcompute.dll (or a compatible library) from, and where `CoTaskMemFree` comes from. */
export type VmcomputeLocation =
  | {
      /** Absolute path of the library that exports the Hcs* functions. */
      path: string;
      /** `'ole32'`: `CoTaskMemFree` from ole32.dll (Windows); `'same'`: from the library itself (other OSes). */
      coTaskMemFrom: 'ole32' | 'same';
      /** Absolute path of ole32.dll when `coTaskMemFrom` is `'ole32'`. */
      ole32Path?: string;
    }
  | {
      /** Why there is no library to load; the text of the `ERR_HCS_UNAVAILABLE` error. */
      unavailable: string;
    };

/** The environment variable that points the binding at another library, on any OS. */
export const VMCOMPUTE_DLL_ENV = 'HCS_VMCOMPUTE_DLL';

// Windows environment variable names are case-insensitive, but an env object handed in by a caller (or a test) is a
// plain object: look the name up case-insensitively ourselves.
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const direct = env[name];
  if (direct !== undefined) return direct;
  const lower = name.toLowerCase();
  for (const key of Object.keys(env)) if (key.toLowerCase() === lower) return env[key];
  return undefined;
}

// The Windows directory: %SystemRoot%, then %windir%, then C:\Windows. A value that is not an absolute path is
// skipped: a relative one would make LoadLibrary search the current directory, which is DLL planting.
function windowsDirectory(env: NodeJS.ProcessEnv): string {
  for (const name of ['SystemRoot', 'windir']) {
    const value = envValue(env, name)?.trim();
    if (value && path.win32.isAbsolute(value) && /^([a-zA-Z]:\\|\\\\)/.test(value)) return value;
  }
  return 'C:\\Windows';
}

/**
 * Decides which library the binding loads (reference hcs-legacy-api.md 1.1, design.md "Which DLL").
 *
 * - Windows: `%SystemRoot%\System32\vmcompute.dll` by absolute path (as hcsshim's System32-only lazy DLL), with
 *   `CoTaskMemFree` from `%SystemRoot%\System32\ole32.dll`.
 * - `HCS_VMCOMPUTE_DLL` (a path, made absolute) overrides the library on any OS. Off Windows that library must export
 *   `CoTaskMemFree` too; on Windows `CoTaskMemFree` still comes from ole32, since a Windows build of a replacement
 *   (such as the simulator's vmcompute.dll) allocates its strings with `CoTaskMemAlloc`.
 * - Off Windows without the variable: `{ unavailable }` with a message saying what to do.
 *
 * Pure: reads only its arguments, loads nothing.
 */
export function resolveVmcomputePath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): VmcomputeLocation {
  const onWindows = platform === 'win32';
  const paths = onWindows ? path.win32 : path.posix;
  const override = envValue(env, VMCOMPUTE_DLL_ENV)?.trim();
  const system32 = paths.join(windowsDirectory(env), 'System32');
  if (override) {
    const absolute = paths.resolve(override);
    return onWindows
      ? { path: absolute, coTaskMemFrom: 'ole32', ole32Path: paths.join(system32, 'ole32.dll') }
      : { path: absolute, coTaskMemFrom: 'same' };
  }
  if (onWindows) {
    return {
      path: paths.join(system32, 'vmcompute.dll'),
      coTaskMemFrom: 'ole32',
      ole32Path: paths.join(system32, 'ole32.dll'),
    };
  }
  return {
    unavailable:
      `the Host Compute Service (vmcompute.dll) needs Windows with the Containers feature; this is ${platform}. ` +
      `To run against a compatible library instead, such as the simulator (test/sim/build/libvmcompute-sim.so), ` +
      `set ${VMCOMPUTE_DLL_ENV} to its path (it must also export CoTaskMemFree).`,
  };
}
