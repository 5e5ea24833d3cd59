import {
  encodeComputeSystemQuery,
  encodeContainerConfig,
  encodeProcessConfig,
  encodeProcessModifyRequest,
  encodePropertyQuery,
  encodeResourceModificationRequest,
  encodeSignalRequest,
  HcsValidationError,
} from '../../../schemas';

import { runInNewContext } from 'node:vm';

const GUID = '1c0e4a8e-5b2f-4c1d-9e3a-7f6b5d4c3b2a';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('ContainerConfig', () => {
  test('a minimal config gets the fields Go always sends: SystemType, Name, Layers (null), HvPartition', () => {
    expect(encodeContainerConfig({ Name: 'abc' })).toBe('{"SystemType":"Container","Name":"abc","Layers":null,"HvPartition":false}');
  });

  test('reproduces the verified example of the reference byte for byte (AttachOnly typo era)', () => {
    const config = {
      Name: 'abc',
      LayerFolderPath: 'C:\\lf',
      Layers: [{ ID: GUID, Path: 'C:\\l1' }],
      MappedDirectories: [{ HostPath: 'C:\\h', ContainerPath: 'C:\\c' }],
      MappedVirtualDisks: [{ HostPath: 'C:\\d.vhdx' }],
    };
    expect(encodeContainerConfig(config)).toBe(
      '{"SystemType":"Container","Name":"abc","LayerFolderPath":"C:\\\\lf",' +
        `"Layers":[{"ID":"${GUID}","Path":"C:\\\\l1"}],` +
        '"MappedDirectories":[{"HostPath":"C:\\\\h","ContainerPath":"C:\\\\c","ReadOnly":false,"BandwidthMaximum":0,"IOPSMaximum":0,"CreateInUtilityVM":false}],' +
        '"HvPartition":false,"MappedVirtualDisks":[{"HostPath":"C:\\\\d.vhdx","ContainerPath":"","AttachOnly":false}]}',
    );
  });

  test('an empty Layers slice is [] while a nil one is null (no omitempty)', () => {
    expect(encodeContainerConfig({ Name: 'a', Layers: [] })).toContain('"Layers":[]');
    expect(encodeContainerConfig({ Name: 'a', Layers: null })).toContain('"Layers":null');
  });

  test('empty omitempty slices are left out', () => {
    const out = encodeContainerConfig({ Name: 'a', MappedDirectories: [], MappedPipes: [], EndpointList: [], MappedVirtualDisks: [], AssignedDevices: [] });
    expect(out).toBe('{"SystemType":"Container","Name":"a","Layers":null,"HvPartition":false}');
  });

  test('a non-nil HvRuntime is sent even when empty, AssignedDevice without a GUID is {}', () => {
    expect(encodeContainerConfig({ Name: 'a', HvRuntime: {}, AssignedDevices: [{}] })).toBe(
      '{"SystemType":"Container","Name":"a","Layers":null,"HvPartition":false,"HvRuntime":{},"AssignedDevices":[{}]}',
    );
  });

  test('LinuxMetadata is sent only when true; MappedPipe fields always', () => {
    const out = encodeContainerConfig({
      Name: 'a',
      MappedDirectories: [{ HostPath: 'h', ContainerPath: 'c', LinuxMetadata: true }],
      MappedPipes: [{ HostPath: '\\\\.\\pipe\\p', ContainerPipeName: 'q' }],
    });
    expect(out).toContain('"CreateInUtilityVM":false,"LinuxMetadata":true}');
    expect(out).toContain('"MappedPipes":[{"HostPath":"\\\\\\\\.\\\\pipe\\\\p","ContainerPipeName":"q"}]');
  });

  test('zero numbers and false flags are omitted, large safe integers are printed exactly', () => {
    const out = encodeContainerConfig({ Name: 'a', ProcessorCount: 0, Servicing: false, StorageSandboxSize: Number.MAX_SAFE_INTEGER });
    expect(out).toBe('{"SystemType":"Container","Name":"a","Layers":null,"StorageSandboxSize":9007199254740991,"HvPartition":false}');
  });

  test('-0 in an always-present integer field is written 0 (Go integers have no negative zero)', () => {
    expect(encodeContainerConfig({ Name: 'a', MappedDirectories: [{ HostPath: 'h', ContainerPath: 'c', IOPSMaximum: -0 }] })).toContain(
      '"IOPSMaximum":0,',
    );
  });

  test('SystemType VirtualMachine is kept, the default is Container', () => {
    expect(encodeContainerConfig({ Name: 'a', SystemType: 'VirtualMachine' })).toMatch(/^\{"SystemType":"VirtualMachine"/);
  });

  test('each value is read once: a getter cannot change it between validation and encoding', () => {
    let reads = 0;
    const config = {
      get Name(): string {
        reads++;
        return reads === 1 ? 'ok' : 'bad\0';
      },
    };
    expect(encodeContainerConfig(config)).toBe('{"SystemType":"Container","Name":"ok","Layers":null,"HvPartition":false}');
  });

  test('does not modify its input (frozen values encode fine)', () => {
    const config = deepFreeze({ Name: 'a', Layers: [{ ID: GUID, Path: 'p' }], HvRuntime: { ImagePath: 'x' } });
    expect(() => encodeContainerConfig(config)).not.toThrow();
    expect(config).toEqual({ Name: 'a', Layers: [{ ID: GUID, Path: 'p' }], HvRuntime: { ImagePath: 'x' } });
  });
});

describe('ProcessConfig', () => {
  test('an empty config is {"ConsoleSize":[0,0]}: a Go [2]uint array is never omitted', () => {
    expect(encodeProcessConfig({})).toBe('{"ConsoleSize":[0,0]}');
  });

  test('reproduces the verified example of the reference byte for byte', () => {
    const config = {
      CommandLine: 'cmd /S /C "echo hi"',
      WorkingDirectory: 'C:\\',
      Environment: { PATH: 'C:\\Windows', A: '1' },
      CreateStdInPipe: true,
      CreateStdOutPipe: true,
    };
    expect(encodeProcessConfig(config)).toBe(
      '{"CommandLine":"cmd /S /C \\"echo hi\\"","WorkingDirectory":"C:\\\\","Environment":{"A":"1","PATH":"C:\\\\Windows"},"CreateStdInPipe":true,"CreateStdOutPipe":true,"ConsoleSize":[0,0]}',
    );
  });

  test('ConsoleSize is [height, width] as given; CreateInUtilityVm keeps its lower-case m', () => {
    expect(encodeProcessConfig({ EmulateConsole: true, ConsoleSize: [24, 80], CreateInUtilityVm: true })).toBe(
      '{"EmulateConsole":true,"ConsoleSize":[24,80],"CreateInUtilityVm":true}',
    );
  });

  test('Environment: sorted by UTF-8 bytes, empty map omitted, integer-like keys sorted as strings', () => {
    expect(encodeProcessConfig({ Environment: {} })).toBe('{"ConsoleSize":[0,0]}');
    expect(encodeProcessConfig({ Environment: { b: '', '10': '', '9': '', B: '', '😀': '', '\uffff': '' } })).toBe(
      '{"Environment":{"10":"","9":"","B":"","b":"","\uffff":"","😀":""},"ConsoleSize":[0,0]}',
    );
  });

  test('CommandArgs are sent as is (Linux containers); an empty list is omitted', () => {
    expect(encodeProcessConfig({ CommandArgs: ['sh', '-c', 'echo "$HOME" > /x'] })).toBe(
      '{"CommandArgs":["sh","-c","echo \\"$HOME\\" \\u003e /x"],"ConsoleSize":[0,0]}',
    );
    expect(encodeProcessConfig({ CommandArgs: [] })).toBe('{"ConsoleSize":[0,0]}');
  });

  test('free-form objects made in another realm (vm, structuredClone) are plain objects; class instances are not', () => {
    const foreign = runInNewContext('({ ociVersion: "1.0.2", process: { args: ["a"], env: [] }, hooks: Object.create(null) })');
    expect(Object.getPrototypeOf(foreign)).not.toBe(Object.prototype);
    expect(encodeProcessConfig({ OCISpecification: foreign })).toBe(
      '{"ConsoleSize":[0,0],"OCISpecification":{"ociVersion":"1.0.2","process":{"args":["a"],"env":[]},"hooks":{}}}',
    );
    expect(encodeResourceModificationRequest({ ResourceType: 'x', Settings: runInNewContext('({ a: [{ b: 1 }] })') })).toBe(
      '{"ResourceType":"x","Settings":{"a":[{"b":1}]}}',
    );
    class Spec {
      ociVersion = '1.0.2';
    }
    expect(() => encodeProcessConfig({ OCISpecification: { nested: new Spec() } as never })).toThrow(HcsValidationError);
    expect(() => encodeProcessConfig({ OCISpecification: { when: runInNewContext('new Date(0)') } as never })).toThrow(HcsValidationError);
  });

  test('OCISpecification is embedded as compact JSON in its own key order, with Go escapes', () => {
    const spec = { ociVersion: '1.0.2', process: { args: ['sh', '-c', 'a && b'], cwd: '/', env: undefined }, root: { path: 'rootfs', readonly: true } };
    expect(encodeProcessConfig({ OCISpecification: spec })).toBe(
      '{"ConsoleSize":[0,0],"OCISpecification":{"ociVersion":"1.0.2","process":{"args":["sh","-c","a \\u0026\\u0026 b"],"cwd":"/"},"root":{"path":"rootfs","readonly":true}}}',
    );
    expect(encodeProcessConfig({ OCISpecification: null })).toBe('{"ConsoleSize":[0,0]}');
  });

  test('free-form JSON is written as it was validated: each value is read once, so a getter cannot swap it', () => {
    let reads = 0;
    const spec = {
      get x() {
        reads++;
        return reads === 1 ? 'ok' : 10n;
      },
      shared: [1],
    };
    expect(encodeProcessConfig({ OCISpecification: spec })).toBe('{"ConsoleSize":[0,0],"OCISpecification":{"x":"ok","shared":[1]}}');
    expect(reads).toBe(1);
    // A getter that answers a bigint is refused with its path, never written as {}.
    const bad = {
      get x() {
        return 10n;
      },
    };
    expect(() => encodeProcessConfig({ OCISpecification: bad })).toThrow(/OCISpecification\.x: must be a JSON value \(got bigint\)/);
    expect(encodeResourceModificationRequest({ ResourceType: 'Network', Settings: { a: { b: 1 } } })).toBe(
      '{"ResourceType":"Network","Settings":{"a":{"b":1}}}',
    );
  });

  test('strings with control characters, HTML characters and lone surrogates get Go escapes', () => {
    expect(encodeProcessConfig({ CommandLine: 'a\b\f\u0001<>&\u2028\ud800' })).toBe(
      '{"CommandLine":"a\\u0008\\u000c\\u0001\\u003c\\u003e\\u0026\\u2028\\ufffd","ConsoleSize":[0,0]}',
    );
  });
});

describe('queries', () => {
  test('an empty ComputeSystemQuery is {}; the IDs key is Ids; fields in Go order', () => {
    expect(encodeComputeSystemQuery({})).toBe('{}');
    expect(encodeComputeSystemQuery({ Owners: ['o'], Names: ['n'], Types: ['Container'], Ids: ['i'] })).toBe(
      '{"Ids":["i"],"Types":["Container"],"Names":["n"],"Owners":["o"]}',
    );
    expect(encodeComputeSystemQuery({ Ids: [], Names: null })).toBe('{}');
  });

  test('PropertyQuery sends PropertyTypes when non-empty', () => {
    expect(encodePropertyQuery({ PropertyTypes: ['Statistics', 'ProcessList'] })).toBe('{"PropertyTypes":["Statistics","ProcessList"]}');
    expect(encodePropertyQuery({})).toBe('{}');
    expect(encodePropertyQuery({ PropertyTypes: [] })).toBe('{}');
  });
});

describe('modify and signal requests', () => {
  test('HotAttachEndpoint shape: Settings is the endpoint ID string', () => {
    expect(encodeResourceModificationRequest({ ResourceType: 'Network', Settings: 'e1', RequestType: 'Add' })).toBe(
      '{"ResourceType":"Network","Settings":"e1","RequestType":"Add"}',
    );
  });

  test('Settings is always sent, null when absent; RequestType omitted when empty', () => {
    expect(encodeResourceModificationRequest({ ResourceType: 'Network' })).toBe('{"ResourceType":"Network","Settings":null}');
    expect(encodeResourceModificationRequest({ ResourceType: 'X', Settings: null, RequestType: '' })).toBe('{"ResourceType":"X","Settings":null}');
    expect(encodeResourceModificationRequest({ ResourceType: 'X', Settings: { b: 1, a: [false] } })).toBe(
      '{"ResourceType":"X","Settings":{"b":1,"a":[false]}}',
    );
  });

  test('console resize sends both dimensions, even zero (legacy struct without omitempty)', () => {
    expect(encodeProcessModifyRequest({ Operation: 'ConsoleSize', ConsoleSize: { Height: 24, Width: 80 } })).toBe(
      '{"Operation":"ConsoleSize","ConsoleSize":{"Height":24,"Width":80}}',
    );
    expect(encodeProcessModifyRequest({ Operation: 'ConsoleSize', ConsoleSize: { Width: 80, Height: 0 } })).toBe(
      '{"Operation":"ConsoleSize","ConsoleSize":{"Height":0,"Width":80}}',
    );
  });

  test('close stdin', () => {
    expect(encodeProcessModifyRequest({ Operation: 'CloseHandle', CloseHandle: { Handle: 'StdIn' } })).toBe(
      '{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}',
    );
  });

  test('signals: WCOW names, LCOW numbers, signal 0 omitted', () => {
    expect(encodeSignalRequest({ Signal: 'CtrlC' })).toBe('{"Signal":"CtrlC"}');
    expect(encodeSignalRequest({ Signal: 15 })).toBe('{"Signal":15}');
    expect(encodeSignalRequest({ Signal: 0 })).toBe('{}');
  });
});

describe('invalid input', () => {
  test.each([
    ['container', () => encodeContainerConfig({})],
    ['process', () => encodeProcessConfig({ CommandLine: 1 })],
    ['query', () => encodeComputeSystemQuery({ IDs: [] })],
    ['property query', () => encodePropertyQuery({ PropertyTypes: 'Statistics' })],
    ['modify', () => encodeResourceModificationRequest({ Settings: 1 })],
    ['process modify', () => encodeProcessModifyRequest({ Operation: 'ConsoleSize' })],
    ['signal', () => encodeSignalRequest({ Signal: -1 })],
  ])('%s: throws HcsValidationError instead of producing JSON', (_name, run) => {
    expect(run).toThrow(HcsValidationError);
  });
});
