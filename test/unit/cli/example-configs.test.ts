import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv from 'ajv';
import { ensureBuilt, hcs, lines, repoRoot } from './cli-harness';

// examples/configs/ is what the README points users at: the valid examples must stay valid, the invalid one must
// show the problems it is there to show, and each file's "$schema" (what VS Code follows) must name a committed
// JSON Schema that agrees with the CLI.

const dir = join(repoRoot, 'examples', 'configs');
const names = readdirSync(dir).filter((name) => name.endsWith('.json')).sort();
const validNames = names.filter((name) => !name.startsWith('invalid-'));

beforeAll(ensureBuilt, 120_000);

describe('examples/configs', () => {
  it('holds valid examples and an invalid one', () => {
    expect(validNames.length).toBeGreaterThanOrEqual(2);
    expect(names).toContain('invalid-process.json');
  });

  it('the valid examples pass hcs validate (exit 0)', () => {
    const run = hcs(['validate', ...validNames], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(lines(run.stdout)).toEqual(validNames.map((name) => expect.stringMatching(new RegExp(`^${name.replace('.', '\\.')}: ok \\(`))));
  });

  it('invalid-process.json fails (exit 1) with every problem at once, including the key suggestion', () => {
    const run = hcs(['validate', 'invalid-process.json'], { cwd: dir });
    expect(run.status).toBe(1);
    const out = lines(run.stdout);
    expect(out.length).toBeGreaterThanOrEqual(3);
    expect(out).toContain('invalid-process.json: Commandline: unknown key; did you mean "CommandLine"?');
    expect(out).toContain('invalid-process.json: ConsoleSize[1]: must be at most 65535');
  });

  it.each(names)('%s names a committed JSON Schema in "$schema", and ajv agrees with the CLI', (name) => {
    const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { $schema?: string };
    expect(typeof doc.$schema).toBe('string');
    const schemaPath = resolve(dirname(join(dir, name)), doc.$schema!);
    expect(schemaPath.startsWith(join(repoRoot, 'schemas', 'json'))).toBe(true);
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
    const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
    expect(validate(doc)).toBe(!name.startsWith('invalid-'));
  });
});
