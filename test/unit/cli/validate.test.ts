import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliMain, ensureBuilt, fixtures, hcs, lines } from './cli-harness';

beforeAll(ensureBuilt, 120_000);

describe('hcs validate', () => {
  it('exits 0 and says ok for valid files, inferring each type', () => {
    const run = hcs(['validate', 'valid-container.json', 'valid-process.json', 'valid-query.json']);
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toEqual([
      'valid-container.json: ok (ContainerConfig)',
      'valid-process.json: ok (ProcessConfig)',
      'valid-query.json: ok (ComputeSystemQuery)',
    ]);
    expect(run.stderr).toBe('');
  });

  it('exits 1 and prints each problem as "file: path: message"', () => {
    const run = hcs(['validate', 'invalid-process.json']);
    expect(run.status).toBe(1);
    const out = lines(run.stdout);
    expect(out).toHaveLength(3);
    expect(out).toContain('invalid-process.json: Commandline: unknown key; did you mean "CommandLine"?');
    expect(out).toContain('invalid-process.json: ConsoleSize[1]: must be at most 65535');
    expect(out.every((line) => /^invalid-process\.json: [^:]+: .+/.test(line))).toBe(true);
  });

  it('exits 1 when any of several files is invalid, still reporting the valid ones', () => {
    const run = hcs(['validate', 'valid-process.json', 'invalid-process.json']);
    expect(run.status).toBe(1);
    expect(lines(run.stdout)[0]).toBe('valid-process.json: ok (ProcessConfig)');
  });

  it('past 20 problems prints 20 and a note; --json gives the note the count as omitted', () => {
    const doc: Record<string, unknown> = { Name: 'c' };
    for (let i = 0; i < 25; i++) doc[`Bogus${i}`] = i;
    const text = hcs(['validate', '-'], { input: JSON.stringify(doc) });
    expect(text.status).toBe(1);
    expect(lines(text.stdout)).toHaveLength(21);
    expect(lines(text.stdout)[20]).toBe('<stdin>: (root): and 5 more problems');
    const json = hcs(['validate', '--json', '-'], { input: JSON.stringify(doc) });
    const issues = (JSON.parse(json.stdout) as { files: { issues: { path: string; omitted?: number }[] }[] }).files[0]!.issues;
    expect(issues).toHaveLength(21);
    expect(issues.filter((i) => i.omitted !== undefined)).toEqual([{ path: '(root)', message: 'and 5 more problems', omitted: 5 }]);
  });

  it('exits 2 for invalid JSON and reports line and column', () => {
    const run = hcs(['validate', 'broken.json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('broken.json: line 3, column 11: invalid JSON: unexpected character (a JSON value was expected)');
  });

  it('exits 2 for an unreadable file, naming it once', () => {
    const run = hcs(['validate', 'no-such-file.json']);
    expect(run.status).toBe(2);
    expect(lines(run.stderr)).toEqual(['no-such-file.json: cannot read: ENOENT: no such file or directory']);
  });

  it('exits 2 for a directory', () => {
    const run = hcs(['validate', '.']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^\.: cannot read: /);
  });

  it('prefers exit 2 over 1 when one file is invalid and another unreadable', () => {
    expect(hcs(['validate', 'invalid-process.json', 'no-such-file.json']).status).toBe(2);
  });

  it('exits 2 when the type cannot be inferred, and validates with --type', () => {
    const unknown = hcs(['validate', 'unknown-type.json']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown-type.json: cannot tell the document type from its keys; pass --type');
    for (const args of [['--type', 'process'], ['--type=process'], ['-t', 'ProcessConfig']]) {
      const typed = hcs(['validate', ...args, 'unknown-type.json']);
      expect(typed.status).toBe(1);
      expect(typed.stdout).toContain('unknown-type.json: Foo: unknown key');
    }
  });

  it('checks a valid document against a forced wrong type', () => {
    const run = hcs(['validate', '--type', 'query', 'valid-process.json']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('valid-process.json: CommandLine: unknown key');
  });

  it('accepts a UTF-8 byte order mark and CRLF line ends', () => {
    const run = hcs(['validate', 'bom-crlf-process.json']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('bom-crlf-process.json: ok (ProcessConfig)\n');
  });

  it('ignores a top-level $schema key', () => {
    expect(readFileSync(join(fixtures, 'valid-container.json'), 'utf8')).toContain('"$schema"');
    expect(hcs(['validate', 'valid-container.json']).status).toBe(0);
  });

  it('reads UTF-16 input as PowerShell 5 writes it (BOM, little-endian), and names UTF-32 instead of misparsing it', () => {
    const doc = '{"CommandLine":"cmd /c echo ü"}';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(doc, 'utf16le')]);
    const fromStdin = hcs(['validate', '-'], { input: utf16 });
    expect([fromStdin.status, fromStdin.stdout]).toEqual([0, '<stdin>: ok (ProcessConfig)\n']);
    const dir = mkdtempSync(join(tmpdir(), 'hcs-validate-'));
    try {
      writeFileSync(join(dir, 'process.json'), utf16);
      const fromFile = hcs(['validate', 'process.json'], { cwd: dir });
      expect([fromFile.status, fromFile.stdout]).toEqual([0, 'process.json: ok (ProcessConfig)\n']);
      const utf32 = Buffer.alloc(doc.length * 4);
      for (let k = 0; k < doc.length; k++) utf32.writeUInt32LE(doc.codePointAt(k)!, k * 4);
      writeFileSync(join(dir, 'wide.json'), utf32);
      const wide = hcs(['validate', 'wide.json'], { cwd: dir });
      expect(wide.status).not.toBe(0);
      expect(wide.stdout + wide.stderr).toContain('the input is UTF-32');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads standard input for -', () => {
    const ok = hcs(['validate', '-'], { input: '{"CommandLine":"cmd","EmulateConsole":true}' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('<stdin>: ok (ProcessConfig)\n');
    const bad = hcs(['validate', '--type', 'signal', '-'], { input: '{"Signal":"CtrlZ"}' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^<stdin>: Signal: /);
  });

  it('reports an OCI rlimit beyond 2^53-1 at its path instead of passing a rounded number', () => {
    const input = '{"CommandArgs":["sh"],"OCISpecification":{"process":{"rlimits":[{"hard":18446744073709551615}]}}}';
    const run = hcs(['validate', '-'], { input });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^<stdin>: OCISpecification\.process\.rlimits\[0\]\.hard: must be no larger than 2\^53-1 /);
  });

  it('reports a 4 MB unknown key with a short path, without a suggestion', () => {
    const run = hcs(['validate', '--type', 'query', '-'], { input: `{"${'k'.repeat(4 * 1024 * 1024)}":1}` });
    expect(run.status).toBe(1);
    expect(lines(run.stdout)).toEqual([`<stdin>: ["${'k'.repeat(64)}…"]: unknown key (expected one of "Ids", "Types", "Names", "Owners")`]);
  });

  it('reports the position of invalid JSON on standard input, and empty input', () => {
    const run = hcs(['validate', '-'], { input: '{\n"Ids": [1,]\n}' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('<stdin>: line 2, column 11: invalid JSON');
    const empty = hcs(['validate', '-'], { input: '' });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('<stdin>: line 1, column 1: invalid JSON: unexpected end of input');
  });

  it('reads standard input once when - is given twice', () => {
    const run = hcs(['validate', '-', '-'], { input: '{"Ids":["a"]}' });
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toEqual(['<stdin>: ok (ComputeSystemQuery)', '<stdin>: ok (ComputeSystemQuery)']);
  });

  it('treats arguments after -- as files', () => {
    const run = hcs(['validate', '--', '--json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--json: cannot read');
  });

  it('never prints secret values (environment values, credentials)', () => {
    for (const file of ['secret-process.json', 'secret-container.json']) {
      for (const extra of [[], ['--json']]) {
        const run = hcs(['validate', ...extra, file]);
        expect(run.status).toBe(1);
        expect(run.stdout + run.stderr).not.toContain('hunter2');
      }
    }
  });
});

describe('hcs validate --json', () => {
  interface Report {
    files: {
      file: string;
      type: string | null;
      valid: boolean;
      issues: { path: string; message: string }[];
      error?: { message: string; line?: number; column?: number };
    }[];
  }

  it('prints one JSON document with a report per file', () => {
    const run = hcs(['validate', '--json', 'valid-process.json', 'invalid-process.json']);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.files).toHaveLength(2);
    expect(report.files[0]).toMatchObject({ file: 'valid-process.json', type: 'process', valid: true, issues: [] });
    expect(report.files[1]).toMatchObject({ file: 'invalid-process.json', type: 'process', valid: false });
    expect(report.files[1]!.issues).toContainEqual({
      path: 'Commandline',
      message: 'unknown key; did you mean "CommandLine"?',
    });
    expect(run.stderr).toBe('');
  });

  it('reports unreadable and non-JSON files inside the document, with the position, and exits 2', () => {
    const run = hcs(['validate', 'broken.json', 'missing.json', '--json']);
    expect(run.status).toBe(2);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.files[0]).toMatchObject({ file: 'broken.json', type: null, valid: false });
    expect(report.files[0]!.error).toMatchObject({ line: 3, column: 11 });
    expect(report.files[1]!.error?.message).toMatch(/^cannot read: ENOENT/);
  });

  it('names standard input "-"', () => {
    const run = hcs(['validate', '--json', '-'], { input: '{"PropertyTypes":["Statistics"]}' });
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as Report).files[0]).toMatchObject({ file: '-', type: 'property-query', valid: true });
  });
});

describe('hcs validate output into a pipe closed early', () => {
  it('stops quietly (no stack trace) when the reader goes away, like head -1', async () => {
    // 3000 reports of standard input (read once) make ~100 KB of output, more than any pipe buffer holds.
    const child = spawn(process.execPath, [cliMain, 'validate', ...Array<string>(3000).fill('-')], {
      cwd: fixtures,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end('{"Ids":["a"]}');
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  }, 90_000);
});
