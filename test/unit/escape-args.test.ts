import fc from 'fast-check';
import { escapeArgs } from '../../src/api/escape-args';

/**
 * Splits a command line the way the Microsoft C runtime (and CommandLineToArgvW, for arguments after the first)
 * does: space and tab separate arguments outside quotes; a run of 2n backslashes before `"` gives n backslashes and
 * the quote toggles quoting; 2n+1 backslashes before `"` give n backslashes and a literal quote; backslashes not
 * before a quote are literal; inside quotes, `""` is a literal quote.
 */
function parseCommandLine(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i++;
    if (i >= n) break;
    let current = '';
    let inQuotes = false;
    while (i < n) {
      const ch = line[i];
      if (!inQuotes && (ch === ' ' || ch === '\t')) break;
      if (ch === '\\') {
        let count = 0;
        while (i < n && line[i] === '\\') {
          count++;
          i++;
        }
        if (i < n && line[i] === '"') {
          current += '\\'.repeat(count >> 1);
          if (count % 2 === 1) {
            current += '"';
            i++;
          }
        } else {
          current += '\\'.repeat(count);
        }
        continue;
      }
      if (ch === '"') {
        if (inQuotes && line[i + 1] === '"') {
          current += '"';
          i += 2;
          continue;
        }
        inQuotes = !inQuotes;
        i++;
        continue;
      }
      current += ch;
      i++;
    }
    args.push(current);
  }
  return args;
}

describe('escapeArgs', () => {
  it.each([
    [[''], '""'],
    [['plain'], 'plain'],
    [['C:\\dir\\'], 'C:\\dir\\'],
    [['\\\\server\\share'], '\\\\server\\share'],
    [['C:\\Program Files\\x.exe'], '"C:\\Program Files\\x.exe"'],
    [['a"b'], 'a\\"b'],
    [['C:\\my dir\\'], '"C:\\my dir\\\\"'],
    [['a b\\\\'], '"a b\\\\\\\\"'],
    [['"quoted"'], '\\"quoted\\"'],
    [['say "hi"'], '"say \\"hi\\""'],
    [['a\\"b'], 'a\\\\\\"b'],
    [['tab\there'], '"tab\there"'],
    [['new\nline'], 'new\nline'],
    [['cmd.exe', '/c', 'echo hello'], 'cmd.exe /c "echo hello"'],
    [['a', '', 'b'], 'a "" b'],
    [[], ''],
  ])('escapes %j as %j (Go windows.EscapeArg, joined by spaces)', (args, expected) => {
    expect(escapeArgs(args)).toBe(expected);
  });

  it('the in-test parser reads the reference examples back', () => {
    expect(parseCommandLine('"C:\\my dir\\\\" a\\"b ""')).toEqual(['C:\\my dir\\', 'a"b', '']);
  });

  it('round-trips any argument vector through the C runtime parsing rules', () => {
    const char = fc.constantFrom('a', 'Z', ' ', '\t', '"', '\\', '/', 'é', '€', '\n', ':');
    const arg = fc.array(char, { maxLength: 12 }).map((chars) => chars.join(''));
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 6 }), (args) => {
        // A lone newline is not a separator for the C runtime, so it survives unquoted.
        expect(parseCommandLine(escapeArgs(args))).toEqual(args);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves arguments without quotes, backslashes, spaces or tabs unchanged', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => s.length > 0 && !/["\\ \t]/.test(s)), (s) => {
        expect(escapeArgs([s])).toBe(s);
      }),
    );
  });
});

describe('escapeArgs input checks', () => {
  const refused = (arg: unknown) => {
    try {
      escapeArgs(arg as string[]);
    } catch (err) {
      return err as { name: string; code: string; issues: { path: string; message: string }[] };
    }
    throw new Error('not refused');
  };

  it('refuses what is not an array of strings with HcsValidationError naming the element', () => {
    for (const bad of [undefined, null, 'cmd /c echo', 5, { 0: 'a', length: 1 }]) {
      expect(refused(bad)).toMatchObject({ name: 'HcsValidationError', code: 'ERR_HCS_INVALID_CONFIG', issues: [{ path: '(root)' }] });
    }
    expect(refused(['a', 5, null, ['x y'], {}]).issues).toEqual([
      { path: '[1]', message: 'must be a string, got a number' },
      { path: '[2]', message: 'must be a string, got null' },
      { path: '[3]', message: 'must be a string, got an array' },
      { path: '[4]', message: 'must be a string, got an object' },
    ]);
  });

  it('never shows the values in the error, lists 20 elements and counts the rest', () => {
    const err = refused(['SECRET_MARKER', ...Array.from({ length: 100 }, () => 7), undefined]) as unknown as Error & {
      issues: { path: string; message: string }[];
    };
    expect(JSON.stringify(err.issues)).not.toContain('SECRET_MARKER');
    expect(err.issues).toHaveLength(21);
    expect(err.issues[20]).toEqual({ path: '(root)', message: 'and 81 more problems', omitted: 81 });
    expect(err.message.split('\n')[0]).toBe('Invalid args (101 problems):');
    expect(refused([undefined]).issues).toEqual([{ path: '[0]', message: 'must be a string, got undefined' }]);
  });

  it('reads each element once: what was checked is what is escaped', () => {
    let reads = 0;
    const args = ['ok'];
    Object.defineProperty(args, 1, {
      enumerable: true,
      get: () => (++reads === 1 ? 'x y' : 42),
    });
    expect(escapeArgs(args)).toBe('ok "x y"');
    expect(reads).toBe(1);
  });
});
