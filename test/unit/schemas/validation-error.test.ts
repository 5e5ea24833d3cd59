import { encodeContainerConfig, encodeProcessConfig, HcsValidationError, validateDocument } from '../../../schemas';
import { HcsValidationError as DirectImport } from '../../../schemas/validation-error';
import { thrown } from './support/validation-helpers';

describe('HcsValidationError', () => {
  it('lists at most 20 problems whoever builds it, folding the rest and any note into one count', () => {
    const many = Array.from({ length: 25 }, (_, i) => ({ path: `[${i}]`, message: 'bad' }));
    const err = new HcsValidationError('X', many);
    expect(err.message.split('\n')[0]).toBe('Invalid X (25 problems):');
    expect(err.issues).toHaveLength(21);
    expect(err.issues[20]).toEqual({ path: '(root)', message: 'and 5 more problems', omitted: 5 });
    const withNote = new HcsValidationError('X', [...many, { path: '(root)', message: 'and 7 more problems', omitted: 7 }]);
    expect(withNote.message.split('\n')[0]).toBe('Invalid X (32 problems):');
    expect(withNote.issues[20]).toEqual({ path: '(root)', message: 'and 12 more problems', omitted: 12 });
    expect(new HcsValidationError('X', many.slice(0, 20)).issues).toHaveLength(20);
  });

  const err = thrown(() => encodeProcessConfig({ Commandline: 'x', ConsoleSize: [1, 70000] }));

  test('has the documented shape', () => {
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(DirectImport);
    expect(err.name).toBe('HcsValidationError');
    expect(err.code).toBe('ERR_HCS_INVALID_CONFIG');
    expect(err.document).toBe('ProcessConfig');
    expect(err.issues).toEqual([
      { path: 'ConsoleSize[1]', message: 'must be at most 65535' },
      { path: 'Commandline', message: 'unknown key; did you mean "CommandLine"?' },
    ]);
  });

  test('message: one header line, then one line per issue', () => {
    expect(err.message).toBe(
      'Invalid ProcessConfig (2 problems):\n  - ConsoleSize[1]: must be at most 65535\n  - Commandline: unknown key; did you mean "CommandLine"?',
    );
  });

  test('the stack trace starts with the class name', () => {
    expect(err.stack?.split('\n')[0]).toBe('HcsValidationError: Invalid ProcessConfig (2 problems):');
  });

  test('a single problem says "1 problem"', () => {
    expect(thrown(() => encodeContainerConfig({})).message).toBe('Invalid ContainerConfig (1 problem):\n  - Name: is required');
  });
});

describe('secrets never appear in errors', () => {
  const SECRET = 'hunter2-TOPSECRET';

  function everythingSaid(run: () => unknown): string {
    const err = thrown(run);
    return [err.message, err.stack, JSON.stringify(err), JSON.stringify(err.issues), String(err)].join('\n');
  }

  test.each([
    ['Credentials with a NUL', () => encodeContainerConfig({ Name: 'a', Credentials: `${SECRET}\0` })],
    ['Credentials of the wrong type', () => encodeContainerConfig({ Name: 'a', Credentials: [SECRET] })],
    ['an Environment value with a NUL', () => encodeProcessConfig({ Environment: { TOKEN: `${SECRET}\0` } })],
    ['an Environment value of the wrong type', () => encodeProcessConfig({ Environment: { TOKEN: { v: SECRET } } })],
    ['an Environment value next to a bad key', () => encodeProcessConfig({ Environment: { 'A=B': SECRET } })],
    ['an Environment value in a document with an unknown key', () => encodeProcessConfig({ Environment: { T: SECRET }, Bogus: SECRET.length })],
    ['a bad OCI spec holding a secret', () => encodeProcessConfig({ OCISpecification: { env: [`TOKEN=${SECRET}`, Number.NaN] } })],
  ])('%s', (_name, run) => {
    expect(everythingSaid(run)).not.toContain(SECRET);
  });

  test('no message repeats any offending value (random strings)', () => {
    const values = ['AAAA-unique-1', 'BBBB-unique-2', 'CCCC-unique-3'];
    const issues = [
      ...validateDocument('container', { Name: '', VolumePath: values[0], Layers: [{ ID: values[1], Path: '' }], ContainerType: values[2] }),
      ...validateDocument('process', { CommandLine: 7, ConsoleSize: values }),
    ];
    expect(issues.length).toBeGreaterThan(4);
    for (const issue of issues) for (const v of values) expect(issue.message).not.toContain(v);
  });
});
