/**
 * Lane-specific test conditions. A test whose behaviour cannot exist on one lane (a pty, POSIX signals, Windows
 * console APIs) is skipped there through these helpers, never silently: the reason becomes part of the test title
 * and the skip reporter (test/support/skip-reporter.js) lists every skipped test at the end of the run.
 */
export const onWindows = process.platform === 'win32';
export const onPosix = !onWindows;

/** `it` when `condition` holds, otherwise `it.skip` with the reason appended to the title. */
export function itIf(condition: boolean, reason: string): jest.It {
  if (condition) return it;
  const skipped = ((name: string, fn?: jest.ProvidesCallback, timeout?: number) =>
    it.skip(`${name} [skipped: ${reason}]`, fn, timeout)) as unknown as jest.It;
  return skipped;
}

/** `describe` when `condition` holds, otherwise `describe.skip` with the reason appended to the title. */
export function describeIf(condition: boolean, reason: string): jest.Describe {
  if (condition) return describe;
  return ((name: string, fn: jest.EmptyFunction) =>
    describe.skip(`${name} [skipped: ${reason}]`, fn)) as unknown as jest.Describe;
}
