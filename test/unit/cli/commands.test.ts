import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliMain, ensureBuilt, hcs, repoRoot } from './cli-harness';

beforeAll(ensureBuilt, 120_000);

const kinds = ['container', 'process', 'query', 'property-query', 'modify', 'process-modify', 'signal'];

describe('hcs help and version', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints usage with the commands and document types, exit 0', (flag) => {
    const run = hcs([flag]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: hcs <command>/);
    expect(run.stdout).toContain('validate <file>...');
    expect(run.stdout).toContain('schema <type>');
    for (const kind of kinds) expect(run.stdout).toContain(`  ${kind} `);
  });

  it.each([['validate', '--help'], ['help', 'validate']])('%s %s explains validate and its exit codes', (...args) => {
    const run = hcs(args);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: hcs validate/);
    expect(run.stdout).toContain('Exit status: 0');
  });

  it('schema --help explains schema', () => {
    expect(hcs(['schema', '--help']).stdout).toMatch(/^Usage: hcs schema <type>/);
  });

  it('--version prints the package.json version', () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    const run = hcs(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('starts with a node shebang so the npm bin runs directly', () => {
    expect(readFileSync(cliMain, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('usage errors exit 2 with a hint on stderr', () => {
  it.each([
    [[], 'no command given'],
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['--bogus'], 'unknown option --bogus'],
    [['validate'], 'validate needs at least one file'],
    [['validate', '--type'], '--type needs a value'],
    [['validate', '--type', 'pod', 'x.json'], 'unknown document type "pod"'],
    [['validate', '--yaml', 'x.json'], 'unknown option --yaml for validate'],
    [['schema'], 'schema takes exactly one document type'],
    [['schema', 'container', 'process'], 'schema takes exactly one document type'],
    [['schema', 'pod'], 'unknown document type "pod"'],
  ])('%j', (args, message) => {
    const run = hcs(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`hcs: ${message}`);
    expect(run.stderr).toContain('Run "hcs --help" for usage.');
  });
});

describe('hcs schema', () => {
  const names: Record<string, string> = {
    container: 'ContainerConfig',
    process: 'ProcessConfig',
    query: 'ComputeSystemQuery',
    'property-query': 'PropertyQuery',
    modify: 'ResourceModificationRequestResponse',
    'process-modify': 'ProcessModifyRequest',
    signal: 'SignalProcessRequest',
  };

  it.each(kinds)('%s prints the committed JSON Schema file', (kind) => {
    const run = hcs(['schema', kind]);
    expect(run.status).toBe(0);
    const committed = readFileSync(join(repoRoot, 'schemas', 'json', `${names[kind]}.schema.json`), 'utf8');
    expect(run.stdout.replace(/\r\n/g, '\n')).toBe(committed);
  });

  it('accepts the schema name in any case', () => {
    const run = hcs(['schema', 'containerconfig']);
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { title: string }).title).toBe('ContainerConfig');
  });
});
