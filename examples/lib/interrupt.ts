/**
 * Ends an example early on Ctrl-C (SIGINT), SIGTERM or a closed stdout (`| head`), through the example's own
 * clean-up: `signal` aborts the waits it is passed to, whose rejection then takes the same path as a failure
 * (terminate the container, close every handle). Why not let the signal kill the program: a container outlives
 * its closed handle (and the simulator's processes lead their own sessions), so a killed demo would leave its
 * command running.
 */
export interface Interruption {
  /** Aborted on the first SIGINT, SIGTERM or EPIPE on stdout. */
  readonly signal: AbortSignal;
  /** The exit code for the interruption (128 + the signal number), or undefined while none happened. */
  exitCode(): number | undefined;
  /** Removes the handlers (a second Ctrl-C after this ends the program at once, as by default). */
  dispose(): void;
}

export function interruption(): Interruption {
  const controller = new AbortController();
  let code: number | undefined;
  const stop = (exitCode: number, why: string) => {
    if (controller.signal.aborted) return;
    code = exitCode;
    controller.abort(new Error(why));
  };
  const onInt = () => stop(130, 'interrupted (SIGINT)');
  const onTerm = () => stop(143, 'terminated (SIGTERM)');
  const onStdoutError = (err: NodeJS.ErrnoException) => {
    // 141 = 128 + SIGPIPE, what a Unix tool killed by a closed pipe reports.
    if (err.code === 'EPIPE') stop(141, 'stdout was closed');
    else throw err;
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  process.stdout.on('error', onStdoutError);
  return {
    signal: controller.signal,
    exitCode: () => code,
    dispose: () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      // The stdout listener stays: a write after the pipe closed must not crash the clean-up's last messages.
    },
  };
}
