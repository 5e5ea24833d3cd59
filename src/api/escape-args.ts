import { HcsValidationError, type ValidationIssue } from '../../schemas';

// Quote one argument the way Go's `windows.EscapeArg` does (reference hcs-legacy-api.md section 8), which is what
// hcsshim and moby use to build a legacy `CommandLine`. The output parses back to the same argument under the
// Microsoft C runtime / CommandLineToArgvW rules: backslashes are literal except in a run that ends at a `"`.
function escapeArg(arg: string): string {
  if (arg.length === 0) return '""';
  if (!/["\\ \t]/.test(arg)) return arg;
  const quote = /[ \t]/.test(arg);
  let out = '';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      out += ch;
    } else if (ch === '"') {
      // The run of backslashes before a quote is doubled so it stays literal, then the quote itself is escaped.
      out += '\\'.repeat(backslashes) + '\\"';
      backslashes = 0;
    } else {
      backslashes = 0;
      out += ch;
    }
  }
  if (!quote) return out;
  // A trailing run would otherwise escape the closing quote.
  return `"${out}${'\\'.repeat(backslashes)}"`;
}

/**
 * Builds a Windows command line from an argument vector, with hcsshim's rules (Go `windows.EscapeArg` on each
 * argument, joined with single spaces). Use it for `ProcessConfig.CommandLine`; a Windows program's C runtime (or
 * `CommandLineToArgvW`) splits the result back into exactly `args`.
 *
 * - an empty argument becomes `""`;
 * - an argument without `"`, `\`, space or tab is unchanged (backslashes alone never change anything);
 * - an argument is wrapped in double quotes only if it holds a space or a tab;
 * - each `"` becomes `\"`, and backslashes right before a `"` (or before the closing quote) are doubled.
 *
 * @example
 * ```ts
 * escapeArgs(['cmd.exe', '/c', 'echo hello']);   // 'cmd.exe /c "echo hello"'
 * escapeArgs(['C:\\Program Files\\x.exe']);       // '"C:\\Program Files\\x.exe"'
 * escapeArgs(['C:\\my dir\\']);                   // '"C:\\my dir\\\\"'
 * escapeArgs(['say "hi"']);                       // '"say \\"hi\\""'
 * escapeArgs(['a"b', '']);                        // 'a\\"b ""'
 * ```
 */
export function escapeArgs(args: readonly string[]): string {
  // Why checked: a string passed alone would be split into its characters by a loop, and numbers or nested arrays
  // would be coerced into a command line nobody meant.
  if (!Array.isArray(args)) {
    throw new HcsValidationError('args', [{ path: '(root)', message: `must be an array of strings, got ${describe(args)}` }]);
  }
  // Each element is read once: a getter checked as a string must not give something else when escaped.
  const copy: unknown[] = Array.from(args);
  const issues: ValidationIssue[] = [];
  copy.forEach((arg, i) => {
    if (typeof arg !== 'string') issues.push({ path: `[${i}]`, message: `must be a string, got ${describe(arg)}` });
  });
  // HcsValidationError lists the first 20 and counts the rest.
  if (issues.length > 0) throw new HcsValidationError('args', issues);
  return (copy as string[]).map(escapeArg).join(' ');
}

/** What a value is, without showing it (an argument may hold a secret). */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
