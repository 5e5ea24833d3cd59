import fc from 'fast-check';
import koffi from 'koffi';
import { escapeArgs } from '../../src/api/escape-args';
import { describeIf, onWindows } from '../support/lanes';
import { win32 } from './support/win32-test-api';

const reason = 'CommandLineToArgvW (shell32) exists only on Windows (Windows lane)';

/** Splits a command line with the real shell32 `CommandLineToArgvW`, freeing its result with `LocalFree`. */
function commandLineToArgv(commandLine: string): string[] {
  const k = win32();
  const argc = [0];
  const argv = k.CommandLineToArgvW(commandLine, argc);
  if (!argv) throw new Error(`CommandLineToArgvW failed: Win32 error ${k.GetLastError()}`);
  try {
    const pointers = koffi.decode(argv, 'void *', argc[0] as number) as bigint[];
    return pointers.map((p) => koffi.decode(p, 'char16_t', -1) as string);
  } finally {
    k.LocalFree(argv);
  }
}

// Characters that matter to the quoting rules, plus ordinary and non-ASCII ones.
const tricky = fc.constantFrom(' ', '\t', '"', '\\', 'a', 'Z', '0', '/', '-', '=', '\'', '%', '^', '&', 'é', '中', '😀');
const argument = fc.oneof(
  fc.string({ unit: tricky, maxLength: 12 }),
  fc.string({ maxLength: 12 }).map((s) => s.replace(/\0/g, '')),
);

describeIf(onWindows, reason)('escapeArgs against the real CommandLineToArgvW', () => {
  it('round-trips thousands of random argument lists', () => {
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 6 }), (args) => {
        // argv[0] follows the program-name rules (no escapes): put a plain program name first, as HCS commands have.
        const parsed = commandLineToArgv(`prog.exe ${escapeArgs(args)}`);
        expect(parsed.slice(1)).toEqual(args);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips the documented examples', () => {
    for (const args of [['cmd.exe', '/c', 'echo hello'], ['C:\\my dir\\'], ['say "hi"'], ['a"b', ''], ['\\\\server\\share\\']]) {
      expect(commandLineToArgv(`prog.exe ${escapeArgs(args)}`).slice(1)).toEqual(args);
    }
  });
});
