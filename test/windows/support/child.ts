import { win32 } from './win32-test-api';

const STARTF_USESTDHANDLES = 0x100;
const CREATE_NO_WINDOW = 0x08000000;
const WAIT_OBJECT_0 = 0;

/** A child process started by the tests with CreateProcessW. */
export interface Child {
  pid: number;
  process: bigint;
  /** Resolves with the exit code; polls (never parks a threadpool thread on the process handle). */
  exited(): Promise<number>;
  /** TerminateProcess (if still running) and close the process handle. */
  kill(): void;
}

/** Quotes one argument for a Windows command line (enough for the paths and plain words the tests pass). */
function quote(arg: string): string {
  return /[\s"]/.test(arg) ? `"${arg.replace(/"/g, '\\"')}"` : arg;
}

/** Child standard handles (inheritable; omitted = none). */
export interface ChildStdio {
  stdin?: bigint;
  stdout?: bigint;
  stderr?: bigint;
}

/** Starts `process.execPath` (Windows node.exe) with `args`; see {@link spawnProgram}. */
export function spawnNode(args: string[], stdio: ChildStdio): Child {
  return spawnProgram(process.execPath, args, stdio);
}

/**
 * Starts `program` with `args`, its standard handles set to the given inheritable handles. The caller closes its
 * copies of the inherited handles once this returns, so the child holds the only ones (otherwise end of stream
 * never comes).
 */
export function spawnProgram(program: string, args: string[], stdio: ChildStdio): Child {
  const k = win32();
  const commandLine = [program, ...args].map(quote).join(' ');
  const info: { hProcess?: bigint; hThread?: bigint; dwProcessId?: number; dwThreadId?: number } = {};
  const ok = k.CreateProcessW(
    null,
    Buffer.from(`${commandLine}\0`, 'utf16le'),
    null,
    null,
    1,
    CREATE_NO_WINDOW,
    null,
    null,
    { cb: 104, dwFlags: STARTF_USESTDHANDLES, hStdInput: stdio.stdin ?? null, hStdOutput: stdio.stdout ?? null, hStdError: stdio.stderr ?? null },
    info,
  );
  if (!ok) throw new Error(`CreateProcessW failed: Win32 error ${k.GetLastError()}`);
  k.CloseHandle(info.hThread as bigint);
  const processHandle = info.hProcess as bigint;
  let closed = false;
  return {
    pid: info.dwProcessId as number,
    process: processHandle,
    exited: () =>
      new Promise<number>((resolve) => {
        const poll = (): void => {
          if (k.WaitForSingleObject(processHandle, 0) === WAIT_OBJECT_0) {
            const code = [0];
            k.GetExitCodeProcess(processHandle, code);
            resolve(code[0] as number);
            return;
          }
          setTimeout(poll, 20);
        };
        poll();
      }),
    kill: () => {
      if (closed) return;
      closed = true;
      k.TerminateProcess(processHandle, 1);
      k.WaitForSingleObject(processHandle, 5000);
      k.CloseHandle(processHandle);
    },
  };
}
