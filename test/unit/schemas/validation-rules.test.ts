import {
  encodeContainerConfig,
  encodeProcessConfig,
  HcsValidationError,
  validateDocument,
  type DocumentKind,
  type ValidationIssue,
} from '../../../schemas';
import { unknownKeyEverywhere } from './support/strictness';

const GUID = '1c0e4a8e-5b2f-4c1d-9e3a-7f6b5d4c3b2a';

function issuesOf(kind: DocumentKind, value: unknown): ValidationIssue[] {
  return validateDocument(kind, value);
}

function pathsOf(kind: DocumentKind, value: unknown): string[] {
  return issuesOf(kind, value).map((i) => i.path);
}

function messageAt(kind: DocumentKind, value: unknown, path: string): string | undefined {
  return issuesOf(kind, value).find((i) => i.path === path)?.message;
}

const container = (extra: Record<string, unknown>) => ({ Name: 'c1', ...extra });

describe('strict objects and key suggestions', () => {
  test.each([
    ['process', { Commandline: 'x' }, 'Commandline', 'did you mean "CommandLine"?'],
    ['process', { CommandLne: 'x' }, 'CommandLne', 'did you mean "CommandLine"?'],
    ['process', { CreateInUtilityVM: true }, 'CreateInUtilityVM', 'did you mean "CreateInUtilityVm"?'],
    ['process', { createstdoutpipe: true }, 'createstdoutpipe', 'did you mean "CreateStdOutPipe"?'],
    ['query', { IDs: [] }, 'IDs', 'did you mean "Ids"?'],
    ['container', container({ Layers: [{ ID: GUID, Path: 'p', path: 'q' }] }), 'Layers[0].path', 'did you mean "Path"?'],
    ['container', container({ MappedDirectories: [{ HostPath: 'h', ContainerPath: 'c', CreateInUtilityVm: true }] }), 'MappedDirectories[0].CreateInUtilityVm', 'did you mean "CreateInUtilityVM"?'],
    ['container', container({ HvRuntime: { ImagePth: 'x' } }), 'HvRuntime.ImagePth', 'did you mean "ImagePath"?'],
    ['process-modify', { Operation: 'ConsoleSize', ConsoleSize: { Height: 1, Width: 2, Widht: 3 } }, 'ConsoleSize.Widht', 'did you mean "Width"?'],
  ] as [DocumentKind, unknown, string, string][])('%s: unknown key %s', (kind, value, path, suggestion) => {
    expect(messageAt(kind, value, path)).toBe(`unknown key; ${suggestion}`);
  });

  test('a key far from every known key lists the known keys instead', () => {
    expect(messageAt('query', { Zebra: 1 }, 'Zebra')).toBe('unknown key (expected one of "Ids", "Types", "Names", "Owners")');
  });

  test('a 4 MB unknown key is reported with a short path and no suggestion (no edit distance over its length)', () => {
    const huge = 'x'.repeat(4 * 1024 * 1024);
    const issues = issuesOf('query', { [huge]: 1, [`Ids${huge}=secret`]: 2 });
    expect(issues).toEqual([
      { path: `["${'x'.repeat(64)}…"]`, message: 'unknown key (expected one of "Ids", "Types", "Names", "Owners")' },
      { path: `["Ids${'x'.repeat(61)}…"]`, message: 'unknown key (expected one of "Ids", "Types", "Names", "Owners")' },
    ]);
  });

  test('long keys are cut short in paths, before the first "=" and never inside a surrogate pair', () => {
    expect(pathsOf('query', { [`${'a'.repeat(65)}`]: 1 })).toEqual([`["${'a'.repeat(64)}…"]`]);
    expect(pathsOf('query', { [`${'a'.repeat(64)}`]: 1 })).toEqual(['a'.repeat(64)]);
    expect(pathsOf('query', { [`${'a'.repeat(63)}😀b`]: 1 })).toEqual([`["${'a'.repeat(63)}…"]`]);
    expect(pathsOf('process', { Environment: { [`${'K'.repeat(70)}=v`]: '' } })).toEqual([`Environment["${'K'.repeat(64)}…"]`]);
  });

  test('several unknown keys give one issue each', () => {
    expect(pathsOf('process', { Foo: 1, Bar: 2 })).toEqual(['Foo', 'Bar']);
  });

  test('an unknown key next to other problems: all are reported at once', () => {
    const paths = pathsOf('container', { Layers: [{ ID: 'x', Path: '' }], ProcessorCount: -1, Nmae: 'a' });
    expect(paths).toEqual(expect.arrayContaining(['Name', 'Layers[0].ID', 'Layers[0].Path', 'ProcessorCount', 'Nmae']));
    expect(paths).toHaveLength(5);
  });
});

describe('every object is strict', () => {
  test.each(unknownKeyEverywhere)('%s refuses an unknown key, and only that is reported', (_name, kind, value, path) => {
    const issues = issuesOf(kind, value);
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect(issues[0]!.message).toMatch(/^unknown key/);
    // The same document without the extra key is valid, so the key alone is the problem.
    expect(issuesOf(kind, JSON.parse(JSON.stringify(value).replace(/,?"Extra":1/, '')))).toEqual([]);
  });
});

describe('Go integer types', () => {
  test.each([
    [4294967295, true],
    [4294967296, false],
    [-1, false],
    [1.5, false],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    ['1', false],
  ])('uint32 ProcessorCount = %p valid: %p', (value, ok) => {
    expect(issuesOf('container', container({ ProcessorCount: value })).length === 0).toBe(ok);
  });

  test.each([
    [Number.MAX_SAFE_INTEGER, true],
    [Number.MAX_SAFE_INTEGER + 1, false],
    [1e300, false],
    [0.5, false],
    [-5, false],
  ])('size StorageSandboxSize = %p valid: %p', (value, ok) => {
    expect(issuesOf('container', container({ StorageSandboxSize: value })).length === 0).toBe(ok);
  });

  test.each(['BandwidthMaximum', 'IOPSMaximum'])('MappedDirectories[].%s is a size/limit: 0..MAX_SAFE_INTEGER, integer', (key) => {
    const dir = (value: unknown) => container({ MappedDirectories: [{ HostPath: 'h', ContainerPath: 'c', [key]: value }] });
    expect(issuesOf('container', dir(Number.MAX_SAFE_INTEGER))).toEqual([]);
    expect(issuesOf('container', dir(0))).toEqual([]);
    for (const bad of [Number.MAX_SAFE_INTEGER + 1, -1, 0.5, '1']) {
      expect(pathsOf('container', dir(bad))).toEqual([`MappedDirectories[0].${key}`]);
    }
  });

  test.each(['ProcessorWeight', 'ProcessorMaximum'])('%s is 0..10000', (key) => {
    expect(issuesOf('container', container({ [key]: 10000 }))).toEqual([]);
    expect(issuesOf('container', container({ [key]: 0 }))).toEqual([]);
    expect(messageAt('container', container({ [key]: 10001 }), key)).toBe('must be at most 10000');
  });

  test('one issue per problem (the safe-integer bound is not reported twice)', () => {
    expect(issuesOf('container', container({ StorageSandboxSize: 2 ** 53 }))).toEqual([
      { path: 'StorageSandboxSize', message: 'must be at most 9007199254740991' },
    ]);
  });

  test('messages name the problem without echoing the number', () => {
    expect(messageAt('container', container({ ProcessorCount: 1.5 }), 'ProcessorCount')).toBe('must be an integer (got non-integer number)');
    expect(messageAt('container', container({ ProcessorCount: 4294967296 }), 'ProcessorCount')).toBe('must be at most 4294967295');
    expect(messageAt('container', container({ ProcessorCount: -1 }), 'ProcessorCount')).toBe('must be at least 0');
    expect(messageAt('container', container({ MemoryMaximumInMB: 2 ** 60 }), 'MemoryMaximumInMB')).toBe('must be at most 9007199254740991');
  });
});

describe('ConsoleSize [height, width]', () => {
  test('accepts 0..65535 in both places', () => {
    expect(issuesOf('process', { ConsoleSize: [65535, 0] })).toEqual([]);
  });

  test.each([
    [[65536, 1], 'ConsoleSize[0]'],
    [[1, -1], 'ConsoleSize[1]'],
    [[1.5, 2], 'ConsoleSize[0]'],
    [[1], 'ConsoleSize'],
    [[1, 2, 3], 'ConsoleSize'],
    [null, 'ConsoleSize'],
    [{ Height: 1, Width: 2 }, 'ConsoleSize'],
  ])('%p is refused at %s', (value, path) => {
    expect(pathsOf('process', { ConsoleSize: value })).toContain(path);
  });
});

describe('enums and defaults', () => {
  test.each([
    ['Cache', { MappedVirtualDisks: [{ Cache: 'enabled' }] }, 'MappedVirtualDisks[0].Cache', 'must be one of "", "Disabled", "Enabled", "Private", "PrivateAllowSharing"'],
    ['ContainerType', { ContainerType: 'Windows' }, 'ContainerType', 'must be one of "", "Linux"'],
    ['BootSource', { HvRuntime: { BootSource: 'Vhdx' } }, 'HvRuntime.BootSource', 'must be one of "", "Vhd"'],
    ['SystemType', { SystemType: '' }, 'SystemType', 'must be one of "Container", "VirtualMachine"'],
  ])('%s', (_name, extra, path, message) => {
    expect(messageAt('container', container(extra), path)).toBe(message);
  });

  test('every listed enum value is accepted', () => {
    for (const Cache of ['', 'Disabled', 'Enabled', 'Private', 'PrivateAllowSharing']) {
      expect(issuesOf('container', container({ MappedVirtualDisks: [{ Cache }] }))).toEqual([]);
    }
    expect(issuesOf('container', container({ ContainerType: 'Linux', HvRuntime: { BootSource: 'Vhd' }, SystemType: 'VirtualMachine' }))).toEqual([]);
  });

  test('SystemType defaults to Container', () => {
    expect(JSON.parse(encodeContainerConfig({ Name: 'a' })).SystemType).toBe('Container');
  });
});

describe('names, GUIDs and paths', () => {
  test('Name is required and non-empty', () => {
    expect(messageAt('container', {}, 'Name')).toBe('is required');
    expect(messageAt('container', { Name: '' }, 'Name')).toBe('must not be empty');
  });

  test.each([
    [GUID, true],
    [GUID.toUpperCase(), true],
    ['332e8234-783d-e17b-d7a2-5e0a9f681397', true],
    [`{${GUID}}`, false],
    [GUID.slice(1), false],
    ['1c0e4a8e5b2f4c1d9e3a7f6b5d4c3b2a', false],
    ['zc0e4a8e-5b2f-4c1d-9e3a-7f6b5d4c3b2a', false],
  ])('Layers[].ID %s valid: %p', (ID, ok) => {
    const issues = issuesOf('container', container({ Layers: [{ ID, Path: 'C:\\l' }] }));
    expect(issues.length === 0).toBe(ok);
    if (!ok) expect(issues[0]).toEqual({ path: 'Layers[0].ID', message: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits)' });
  });

  test('Layers[].Path must be non-empty, and both fields are required', () => {
    expect(pathsOf('container', container({ Layers: [{ ID: GUID, Path: '' }, {}] }))).toEqual(['Layers[0].Path', 'Layers[1].ID', 'Layers[1].Path']);
  });

  test.each([
    [`\\\\?\\Volume{${GUID}}\\`, true],
    [`\\\\?\\Volume{${GUID}}`, true],
    ['', true],
    ['C:\\', false],
    [`\\\\?\\Volume{${GUID}}\\x`, false],
    [`\\\\?\\volume{${GUID}}\\`, false],
    [`\\\\?\\Volume{${GUID.slice(2)}}\\`, false],
    [`\\\\.\\Volume{${GUID}}\\`, false],
  ])('VolumePath %s valid: %p', (VolumePath, ok) => {
    expect(issuesOf('container', container({ VolumePath })).length === 0).toBe(ok);
  });

  test('mapped directories and pipes need non-empty paths', () => {
    const paths = pathsOf('container', container({
      MappedDirectories: [{ HostPath: '', ContainerPath: '' }],
      MappedPipes: [{ HostPath: '', ContainerPipeName: '' }, { HostPath: 'x' }],
    }));
    expect(paths).toEqual([
      'MappedDirectories[0].HostPath',
      'MappedDirectories[0].ContainerPath',
      'MappedPipes[0].HostPath',
      'MappedPipes[0].ContainerPipeName',
      'MappedPipes[1].ContainerPipeName',
    ]);
  });

  test('AssignedDevices[].InterfaceClassGuid is a GUID or empty', () => {
    expect(issuesOf('container', container({ AssignedDevices: [{ InterfaceClassGuid: GUID }, { InterfaceClassGuid: '' }] }))).toEqual([]);
    expect(pathsOf('container', container({ AssignedDevices: [{ InterfaceClassGuid: 'GPU' }] }))).toEqual(['AssignedDevices[0].InterfaceClassGuid']);
  });
});

describe('Environment', () => {
  test('keys: non-empty, no "=", and messages use accessor paths', () => {
    const issues = issuesOf('process', { Environment: { '': 'a', 'A=B': 'b', 'Program Files': 'ok', PATH: 'ok' } });
    expect(issues).toEqual([
      { path: 'Environment[""]', message: 'environment variable names must not be empty' },
      { path: 'Environment["A=…"]', message: 'environment variable names must not contain "="' },
    ]);
  });

  test('a name written as "NAME=value" is shown only up to its "=": the rest is the secret value', () => {
    const config = { Environment: { 'DB_PASSWORD=hunter2': '', 'TOKEN\0s3cret': 'x' } };
    expect(pathsOf('process', config)).toEqual(['Environment["DB_PASSWORD=…"]', 'Environment["TOKEN\\u0000…"]']);
    let thrown: unknown;
    try {
      encodeProcessConfig(config);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(HcsValidationError);
    const shown = `${(thrown as Error).message}\n${JSON.stringify((thrown as HcsValidationError).issues)}`;
    expect(shown).not.toMatch(/hunter2|s3cret/);
    // Two names that show alike are still two problems.
    expect(pathsOf('process', { Environment: { 'A=one': '', 'A=two': '' } })).toEqual(['Environment["A=…"]', 'Environment["A=…"]']);
  });

  test('values must be strings', () => {
    expect(issuesOf('process', { Environment: { PATH: 5 } })).toEqual([{ path: 'Environment.PATH', message: 'must be a string (got integer)' }]);
  });

  test('an own __proto__ key (as JSON.parse makes it) is refused, not silently dropped', () => {
    const config = JSON.parse('{"Environment":{"__proto__":"x","A":"1"}}') as unknown;
    expect(pathsOf('process', config)).toEqual(['Environment["__proto__"]']);
    expect(() => encodeProcessConfig(config)).toThrow(HcsValidationError);
  });

  test('null and {} mean no environment', () => {
    expect(issuesOf('process', { Environment: null })).toEqual([]);
    expect(issuesOf('process', { Environment: {} })).toEqual([]);
    expect(pathsOf('process', { Environment: ['A=1'] })).toEqual(['Environment']);
  });
});

describe('NUL characters are refused in every string', () => {
  test.each([
    ['process', { CommandLine: 'a\0b' }, 'CommandLine'],
    ['process', { CommandArgs: ['ok', 'a\0'] }, 'CommandArgs[1]'],
    ['process', { Environment: { A: 'x\0' } }, 'Environment.A'],
    ['process', { Environment: { 'A\0': 'x' } }, 'Environment["A\\u0000…"]'],
    ['process', { OCISpecification: { process: { args: ['\0'] } } }, 'OCISpecification.process.args[0]'],
    ['process', { OCISpecification: { ['k\0']: 1 } }, 'OCISpecification["k\\u0000…"]'],
    ['container', container({ Layers: [{ ID: GUID, Path: 'C:\\\0' }] }), 'Layers[0].Path'],
    ['container', container({ EndpointList: ['a', '\0'] }), 'EndpointList[1]'],
    ['container', container({ Credentials: '\0' }), 'Credentials'],
    ['container', container({ HvRuntime: { ImagePath: '\0' } }), 'HvRuntime.ImagePath'],
    ['query', { Ids: ['\0'] }, 'Ids[0]'],
    ['modify', { ResourceType: 'Network', Settings: 'id\0' }, 'Settings'],
    ['modify', { ResourceType: 'Net\0work' }, 'ResourceType'],
  ] as [DocumentKind, unknown, string][])('%s %j', (kind, value, path) => {
    const issues = issuesOf(kind, value);
    expect(issues.map((i) => i.path)).toEqual([path]);
    expect(issues[0]!.message).toMatch(/NUL/);
  });
});

describe('free-form JSON (OCISpecification, Settings)', () => {
  test('OCISpecification must be a JSON object', () => {
    expect(messageAt('process', { OCISpecification: '{"ociVersion":"1"}' }, 'OCISpecification')).toBe('must be a JSON object (got string)');
    expect(messageAt('process', { OCISpecification: [] }, 'OCISpecification')).toBe('must be a JSON object (got array)');
  });

  test('non-JSON content is reported with its path', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const issues = issuesOf('process', {
      OCISpecification: { a: Number.NaN, b: 1n, c: () => 1, d: new Date(0), e: [undefined], f: cyclic, g: undefined },
    });
    expect(issues.map((i) => i.path)).toEqual([
      'OCISpecification.a',
      'OCISpecification.b',
      'OCISpecification.c',
      'OCISpecification.d',
      'OCISpecification.e[0]',
      'OCISpecification.f.self',
    ]);
  });

  test('numbers beyond ±(2^53-1) are refused with their path rather than sent rounded', () => {
    // JSON.parse has already rounded this rlimit to 18446744073709551616; it would go out as 18446744073709552000.
    const spec = JSON.parse('{"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551615,"soft":1024}]}}') as object;
    const message = messageAt('process', { OCISpecification: spec }, 'OCISpecification.process.rlimits[0].hard');
    expect(message).toBe(
      'must be no larger than 2^53-1 (9007199254740991) in magnitude: a JavaScript number cannot hold a larger integer ' +
        'exactly, so the number sent would not be the one written',
    );
    expect(pathsOf('process', { OCISpecification: spec })).toEqual(['OCISpecification.process.rlimits[0].hard']);
    expect(() => encodeProcessConfig({ OCISpecification: spec })).toThrow(HcsValidationError);
    for (const Settings of [2 ** 53, -(2 ** 53), 1e300, [1, { n: -1e21 }]]) {
      expect(issuesOf('modify', { ResourceType: 'Network', Settings })).toHaveLength(1);
    }
    for (const Settings of [Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 4503599627370495.5, 1.5e-300, -0]) {
      expect(issuesOf('modify', { ResourceType: 'Network', Settings })).toEqual([]);
    }
  });

  test('Settings takes any JSON value, null included', () => {
    for (const Settings of [null, 'endpoint', 3, true, [1], { a: { b: null } }]) {
      expect(issuesOf('modify', { ResourceType: 'Network', Settings })).toEqual([]);
    }
    expect(pathsOf('modify', { ResourceType: 'Network', Settings: Symbol('x') })).toEqual(['Settings']);
  });
});

describe('requests', () => {
  test('modify: ResourceType required, RequestType Add/Remove', () => {
    expect(pathsOf('modify', { Settings: 'x' })).toEqual(['ResourceType']);
    expect(messageAt('modify', { ResourceType: 'Network', RequestType: 'Update' }, 'RequestType')).toBe('must be one of "", "Add", "Remove"');
  });

  test('process modify: operation names, payloads and ranges', () => {
    expect(messageAt('process-modify', { Operation: 'Resize' }, 'Operation')).toBe('must be one of "ConsoleSize", "CloseHandle"');
    expect(pathsOf('process-modify', { Operation: 'ConsoleSize' })).toEqual(['ConsoleSize']);
    expect(pathsOf('process-modify', { Operation: 'ConsoleSize', ConsoleSize: { Height: 70000, Width: 1 } })).toEqual(['ConsoleSize.Height']);
    expect(pathsOf('process-modify', { Operation: 'CloseHandle', CloseHandle: { Handle: 'stdin' } })).toEqual(['CloseHandle.Handle']);
    expect(pathsOf('process-modify', { Operation: 'CloseHandle', CloseHandle: { Handle: 'StdIn' }, ConsoleSize: { Height: 1, Width: 1 } })).toEqual(['ConsoleSize']);
  });

  test.each([
    ['CtrlC', true],
    ['CtrlShutdown', true],
    [9, true],
    [0, true],
    ['SIGTERM', false],
    [-1, false],
    [1.5, false],
    [undefined, false],
  ])('signal %p valid: %p', (Signal, ok) => {
    expect(issuesOf('signal', { Signal }).length === 0).toBe(ok);
  });
});

describe('nil-able fields and wrong types', () => {
  test('null is Go nil for slices, maps and pointers', () => {
    expect(issuesOf('container', container({ Layers: null, MappedDirectories: null, EndpointList: null, HvRuntime: null, MappedVirtualDisks: null, AssignedDevices: null }))).toEqual([]);
    expect(issuesOf('process', { CommandArgs: null, Environment: null, OCISpecification: null })).toEqual([]);
  });

  test('null is refused for strings, booleans and numbers', () => {
    expect(pathsOf('container', { Name: null, HvPartition: null, ProcessorCount: null })).toEqual(['Name', 'ProcessorCount', 'HvPartition']);
    expect(messageAt('process', { CommandLine: null }, 'CommandLine')).toBe('must be a string (got null)');
  });

  test('documents must be objects; the root path is (root)', () => {
    for (const value of [null, [], 'x', 5, undefined]) {
      expect(pathsOf('process', value)).toEqual(['(root)']);
    }
  });

  test('booleans are not coerced', () => {
    expect(messageAt('process', { CreateStdInPipe: 'true' }, 'CreateStdInPipe')).toBe('must be true or false (got string)');
    expect(messageAt('process', { CreateStdInPipe: 1 }, 'CreateStdInPipe')).toBe('must be true or false (got integer)');
  });
});
