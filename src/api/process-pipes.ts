import { finished } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import type { ProcessStdio, RawStdioHandles } from '../core/stdio-types';
import type { ProcessInformation } from '../ffi/types';
import type { Runtime } from './runtime';

/** The stdio handle fields of `HCS_PROCESS_INFORMATION`. */
export function rawHandles(info: ProcessInformation): RawStdioHandles {
  return { stdin: info.stdInput, stdout: info.stdOutput, stderr: info.stdError };
}

/**
 * Closes raw stdio handles nobody will use, through the platform opener (which knows how to close them: fds here,
 * HANDLEs on Windows). Best effort: they are released with the process otherwise.
 */
export function destroyAll(rt: Runtime, handles: RawStdioHandles): void {
  try {
    const s = rt.openStdio(handles);
    for (const stream of [s.stdin, s.stdout, s.stderr]) stream?.destroy();
  } catch {
    // nothing more we can do
  }
}

function closeStdinHandle(rt: Runtime, stdin: bigint): void {
  if (stdin !== 0n) destroyAll(rt, { stdin, stdout: 0n, stderr: 0n });
}

/**
 * The stdio handles of one process on the binding's side: the pipes from `HcsCreateProcess` until the first
 * `stdio()` takes them, the streams handed out since, and the stdin pipe the binding holds for a console process
 * created without `CreateStdInPipe` (console-input.ts), which is never handed out.
 */
export class ProcessPipes {
  readonly #rt: Runtime;
  #created: RawStdioHandles | undefined;
  readonly #holdsConsoleInput: boolean;
  #consoleInput = 0n;
  readonly #streams = new Set<Readable | Writable>();
  /** Every stdin stream handed out and not yet closed (each stdio() call may give one). */
  readonly #stdins = new Set<Writable>();
  #stdinClosed = false;

  constructor(rt: Runtime, created: RawStdioHandles | undefined, holdsConsoleInput: boolean) {
    this.#rt = rt;
    this.#holdsConsoleInput = holdsConsoleInput;
    if (holdsConsoleInput && created) {
      this.#consoleInput = created.stdin;
      created = { ...created, stdin: 0n };
    }
    this.#created = created;
  }

  /** The `HcsCreateProcess` pipes the first time, then `undefined` (ask `HcsGetProcessInfo`). */
  takeCreated(): RawStdioHandles | undefined {
    const created = this.#created;
    this.#created = undefined;
    return created;
  }

  /**
   * Wraps handles as streams and tracks them (the opener's errors propagate; it has closed the handles then).
   * `fresh`: they came from `HcsGetProcessInfo`, whose stdin copy of a held console input is closed, not handed out.
   */
  open(raw: RawStdioHandles, fresh: boolean): ProcessStdio {
    if (fresh && this.#holdsConsoleInput && raw.stdin !== 0n) {
      closeStdinHandle(this.#rt, raw.stdin);
      raw = { ...raw, stdin: 0n };
    }
    const stdio = this.#rt.openStdio(raw);
    for (const stream of [stdio.stdin, stdio.stdout, stdio.stderr]) {
      if (!stream) continue;
      this.#streams.add(stream);
      stream.once('close', () => this.#streams.delete(stream));
    }
    if (stdio.stdin) {
      const stdin = stdio.stdin;
      this.#stdins.add(stdin);
      stdin.once('close', () => this.#stdins.delete(stdin));
      if (this.#stdinClosed) stdin.end();
    }
    return stdio;
  }

  /**
   * Our half of closeStdin(): closes stdin pipes not handed out (the create pipe nobody asked for yet, or the held
   * console input), then ends every stdin stream handed out (each stdio() call may give one: the process sees the
   * end of its input only when all are closed) and resolves once their buffered data is written, or when `exited`
   * settles. Later stdin streams are ended as they are opened.
   */
  async closeStdin(exited: Promise<unknown>): Promise<void> {
    this.#stdinClosed = true;
    const created = this.#created;
    if (created && created.stdin !== 0n) {
      // Our end of a stdin pipe nobody has asked for yet: close it too, or the process may never see EOF.
      this.#created = { ...created, stdin: 0n };
      closeStdinHandle(this.#rt, created.stdin);
    }
    this.#releaseConsoleInput();
    const stdins = [...this.#stdins].filter((s) => !s.destroyed);
    for (const s of stdins) s.end();
    if (stdins.length > 0) {
      const flushed = stdins.map((s) => new Promise<void>((resolve) => finished(s, () => resolve())));
      await Promise.race([Promise.all(flushed), exited]);
    }
  }

  /** Destroys every stream handed out and closes every handle never handed out. Idempotent. */
  closeAll(): void {
    const created = this.#created;
    this.#created = undefined;
    if (created) destroyAll(this.#rt, created);
    this.#releaseConsoleInput();
    for (const stream of this.#streams) stream.destroy();
    this.#streams.clear();
  }

  #releaseConsoleInput(): void {
    const input = this.#consoleInput;
    this.#consoleInput = 0n;
    closeStdinHandle(this.#rt, input);
  }
}
