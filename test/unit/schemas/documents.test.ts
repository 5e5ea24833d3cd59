import {
  ComputeSystemQuerySchema,
  ContainerConfigSchema,
  documentSchemas,
  inferDocumentKind,
  ProcessConfigSchema,
  validateDocument,
  type DocumentKind,
} from '../../../schemas';

describe('documentSchemas', () => {
  test('names every input document by its hcsshim type name', () => {
    expect(Object.fromEntries(Object.entries(documentSchemas).map(([k, v]) => [k, v.name]))).toEqual({
      container: 'ContainerConfig',
      process: 'ProcessConfig',
      query: 'ComputeSystemQuery',
      'property-query': 'PropertyQuery',
      modify: 'ResourceModificationRequestResponse',
      'process-modify': 'ProcessModifyRequest',
      signal: 'SignalProcessRequest',
    });
    expect(documentSchemas.container.schema).toBe(ContainerConfigSchema);
    expect(documentSchemas.process.schema).toBe(ProcessConfigSchema);
    expect(documentSchemas.query.schema).toBe(ComputeSystemQuerySchema);
  });

  test('the exported zod schemas work on their own (strict, with defaults)', () => {
    expect(ContainerConfigSchema.parse({ Name: 'a' })).toEqual({ Name: 'a', SystemType: 'Container' });
    expect(ProcessConfigSchema.safeParse({ Bogus: 1 }).success).toBe(false);
  });
});

describe('validateDocument never throws', () => {
  test('a throwing getter', () => {
    const value = Object.defineProperty({}, 'CommandLine', { enumerable: true, get: () => { throw new Error('boom secret'); } });
    const issues = validateDocument('process', value);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toBe('(root)');
    expect(issues[0]!.message).not.toContain('secret');
  });

  test('a revoked proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(validateDocument('container', proxy)).toHaveLength(1);
  });

  test('a cyclic OCI spec and a very deep one', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.a = cyclic;
    expect(validateDocument('process', { OCISpecification: cyclic })).toEqual([{ path: 'OCISpecification.a', message: 'contains a reference cycle' }]);
    let deep: unknown = 1;
    for (let i = 0; i < 10000; i++) deep = [deep];
    expect(validateDocument('process', { OCISpecification: { deep } })[0]!.message).toMatch(/deeper/);
  });

  test('an unknown kind', () => {
    expect(validateDocument('nope' as DocumentKind, {})).toEqual([{ path: '(root)', message: 'unknown document kind' }]);
  });
});

describe('inferDocumentKind', () => {
  test.each([
    [{ CommandLine: 'cmd' }, 'process'],
    [{ CommandArgs: ['sh'] }, 'process'],
    [{ CreateStdOutPipe: true }, 'process'],
    [{ Commandline: 'typo still points at process' }, 'process'],
    [{ ConsoleSize: [1, 2] }, 'process'],
    [{ Name: 'x', Layers: [] }, 'container'],
    [{ SystemType: 'Container' }, 'container'],
    [{ HvPartition: true }, 'container'],
    [{ Ids: [] }, 'query'],
    [{ Names: ['a'], Owners: ['b'] }, 'query'],
    [{ Types: ['Container'] }, 'query'],
    [{ ResourceType: 'Network', Settings: 'x' }, 'modify'],
    [{ PropertyTypes: ['Statistics'] }, 'property-query'],
    [{ Operation: 'ConsoleSize', ConsoleSize: { Height: 1, Width: 1 } }, 'process-modify'],
    [{ Signal: 'CtrlC' }, 'signal'],
  ])('%j is %s', (value, kind) => {
    expect(inferDocumentKind(value)).toBe(kind);
  });

  test.each([[{}], [{ Foo: 1 }], [null], [[]], ['CommandLine'], [undefined]])('%j is not recognised', (value) => {
    expect(inferDocumentKind(value)).toBeUndefined();
  });
});
