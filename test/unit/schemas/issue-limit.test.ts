import { encodeContainerConfig, encodeProcessConfig, HcsValidationError, validateDocument } from '../../../schemas';
import { MAX_LISTED_ISSUES } from '../../../schemas/limits';
import { thrown, holes } from './support/validation-helpers';
import { onWindows } from '../../support/lanes';

// Why more room on the Windows lane: three jest workers share 2 cores with Wine there (seen: 403 ms of 1000 under
// load); the unbounded work this guards against takes minutes.
const LIMIT_MS = onWindows ? 5000 : 1000;

/** A ContainerConfig with `count` misspelt keys besides its name. */
function unknownKeys(count: number): Record<string, unknown> {
  const doc: Record<string, unknown> = { Name: 'c' };
  for (let i = 0; i < count; i++) doc[`Bogus${i}`] = i;
  return doc;
}

describe(`validation lists at most ${MAX_LISTED_ISSUES} problems, then counts the rest`, () => {
  it('lists the first 20 in document order, then one note at (root) with the number left out', () => {
    const issues = validateDocument('process', { CommandArgs: holes(16384) });
    expect(issues).toHaveLength(21);
    expect(issues.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => ({ path: `CommandArgs[${i}]`, message: 'is required' })));
    expect(issues[20]).toEqual({ path: '(root)', message: 'and 16364 more problems', omitted: 16364 });
  });

  it('the HcsValidationError header counts every problem; its message has the 20 and the note', () => {
    const err = thrown(() => encodeProcessConfig({ CommandArgs: holes(16384) }));
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('Invalid ProcessConfig (16384 problems):');
    expect(lines).toHaveLength(22);
    expect(lines[21]).toBe('  - (root): and 16364 more problems');
    expect(err.issues).toHaveLength(21);
  });

  it('adds no note for exactly 20 problems, and says "1 more problem" for 21', () => {
    expect(validateDocument('process', { CommandArgs: holes(20) })).toHaveLength(20);
    const issues = validateDocument('process', { CommandArgs: holes(21) });
    expect(issues).toHaveLength(21);
    expect(issues[20]).toEqual({ path: '(root)', message: 'and 1 more problem', omitted: 1 });
    expect(thrown(() => encodeProcessConfig({ CommandArgs: holes(21) })).message.split('\n')[0]).toBe('Invalid ProcessConfig (21 problems):');
  });

  it('counts a problem zod reports twice once, past the listed ones too', () => {
    // 30 holes, then a size beyond 2^53-1, which zod reports twice (safe-integer format and maximum).
    const err = thrown(() => encodeContainerConfig({ Name: 'c', Layers: holes(30), StorageSandboxSize: 2 ** 53 }));
    expect(err.issues[20]).toEqual({ path: '(root)', message: 'and 11 more problems', omitted: 11 });
    expect(err.message.split('\n')[0]).toBe('Invalid ContainerConfig (31 problems):');
  });

  it('counts the problems found outside zod (an Environment named __proto__) within the same limit', () => {
    const doc = { CommandArgs: holes(25), Environment: JSON.parse('{"__proto__":"x"}') as unknown };
    const issues = validateDocument('process', doc);
    expect(issues).toHaveLength(21);
    expect(issues[20]).toEqual({ path: '(root)', message: 'and 6 more problems', omitted: 6 });
    expect(validateDocument('process', { Environment: doc.Environment })).toEqual([
      { path: 'Environment["__proto__"]', message: 'environment variable name "__proto__" is not supported' },
    ]);
  });

  it('50000 unknown keys: 20 listed and a note, a message of a few kilobytes, in well under a second', () => {
    const doc = unknownKeys(50000);
    const started = Date.now();
    const err = thrown(() => encodeContainerConfig(doc));
    expect(Date.now() - started).toBeLessThan(LIMIT_MS);
    expect(err.issues).toHaveLength(21);
    expect(err.issues[0]!.path).toBe('Bogus0');
    expect(err.issues[0]!.message).toMatch(/^unknown key \(expected one of "SystemType", "Name", /);
    expect(err.issues[20]).toEqual({ path: '(root)', message: 'and 49980 more problems', omitted: 49980 });
    expect(err.message.split('\n')[0]).toBe('Invalid ContainerConfig (50000 problems):');
    expect(err.message.length).toBeLessThan(20_000);
  });

  it('unknown keys after other problems fill only the room left, and are counted', () => {
    const doc = { ...unknownKeys(10), Layers: holes(15) };
    const issues = validateDocument('container', doc);
    expect(issues.slice(0, 15).every((issue) => issue.path.startsWith('Layers['))).toBe(true);
    expect(issues.slice(15, 20).map((issue) => issue.path)).toEqual(['Bogus0', 'Bogus1', 'Bogus2', 'Bogus3', 'Bogus4']);
    expect(issues[20]).toEqual({ path: '(root)', message: 'and 5 more problems', omitted: 5 });
  });
});

describe('the count of problems left out', () => {
  it('includes a free-form field\'s problems past the ones it lists, alone and after typed problems', () => {
    const oci = { a: Array<number>(30).fill(NaN) };
    const alone = thrown(() => encodeProcessConfig({ CommandLine: 'x', OCISpecification: oci }));
    expect(alone.message.split('\n')[0]).toBe('Invalid ProcessConfig (30 problems):');
    expect(alone.issues.at(-1)).toEqual({ path: '(root)', message: 'and 10 more problems', omitted: 10 });
    const mixed = thrown(() => encodeProcessConfig({ CommandArgs: [1, 2, 3, 4, 5], OCISpecification: oci }));
    expect(mixed.message.split('\n')[0]).toBe('Invalid ProcessConfig (35 problems):');
    expect(mixed.issues.at(-1)).toEqual({ path: '(root)', message: 'and 15 more problems', omitted: 15 });
  });

  it('is data on the note: it survives JSON, structuredClone and re-wrapping with other paths', () => {
    const err = thrown(() => encodeProcessConfig({ CommandArgs: holes(50) }));
    expect(err.message.split('\n')[0]).toBe('Invalid ProcessConfig (50 problems):');
    const copies = [
      JSON.parse(JSON.stringify(err.issues)) as typeof err.issues,
      structuredClone(err.issues),
      err.issues.map((i) => ({ ...i, path: `Outer.${i.path}` })),
    ];
    for (const issues of copies) {
      expect(new HcsValidationError('Outer', issues).message.split('\n')[0]).toBe('Invalid Outer (50 problems):');
    }
  });
});
