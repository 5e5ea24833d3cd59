import {
  decodeContainerProperties,
  decodeContainerPropertiesList,
  decodeMappedVirtualDiskControllers,
  decodeProcessStatus,
  JsonTextError,
} from '../../../schemas/outputs';
import { GoFields } from '../../../schemas/outputs/go-fields';
import fc from 'fast-check';

const sample = {
  Id: 'web-01',
  State: 'Running',
  Name: 'web-01',
  SystemType: 'Container',
  RuntimeOsType: 'Windows',
  Owner: 'docker',
  SiloGuid: 'a1b2',
  RuntimeId: '00000000-0000-0000-0000-000000000000',
  IsRuntimeTemplate: false,
  Stopped: false,
  AreUpdatesPending: true,
  ObRoot: '\\Silos\\12',
  Statistics: {
    Timestamp: '2019-03-01T12:34:56.1234567Z',
    ContainerStartTime: '2019-03-01T12:00:00Z',
    Uptime100ns: 123,
    Memory: { MemoryUsageCommitBytes: 1, MemoryUsageCommitPeakBytes: 2, MemoryUsagePrivateWorkingSetBytes: 3 },
    Processor: { TotalRuntime100ns: 4, RuntimeUser100ns: 5, RuntimeKernel100ns: 6 },
    Storage: { ReadCountNormalized: 7, ReadSizeBytes: 8, WriteCountNormalized: 9, WriteSizeBytes: 10 },
    Network: [
      {
        BytesReceived: 11,
        BytesSent: 12,
        PacketsReceived: 13,
        PacketsSent: 14,
        DroppedPacketsIncoming: 15,
        DroppedPacketsOutgoing: 16,
        EndpointId: 'ep',
        InstanceId: 'inst',
      },
    ],
  },
  ProcessList: [
    {
      CreateTimestamp: '2019-03-01T12:00:01Z',
      ImageName: 'cmd.exe',
      KernelTime100ns: 1,
      MemoryCommitBytes: 2,
      MemoryWorkingSetPrivateBytes: 3,
      MemoryWorkingSetSharedBytes: 4,
      ProcessId: 4242,
      UserTime100ns: 5,
    },
  ],
  GuestConnectionInfo: {
    SupportedSchemaVersions: [{ Major: 2, Minor: 1 }],
    ProtocolVersion: 4,
    GuestDefinedCapabilities: { SignalProcessSupported: true },
  },
};

describe('decodeContainerProperties', () => {
  it('decodes a full document field by field', () => {
    const p = decodeContainerProperties(sample);
    expect(p.Id).toBe('web-01');
    expect(p.State).toBe('Running');
    expect(p.RuntimeOsType).toBe('Windows');
    expect(p.AreUpdatesPending).toBe(true);
    expect(p.Statistics.Timestamp).toBe('2019-03-01T12:34:56.1234567Z');
    expect(p.Statistics.Memory.MemoryUsagePrivateWorkingSetBytes).toBe(3);
    expect(p.Statistics.Storage.WriteSizeBytes).toBe(10);
    expect(p.Statistics.Network).toEqual([sample.Statistics.Network[0]]);
    expect(p.ProcessList).toEqual(sample.ProcessList);
    expect(p.GuestConnectionInfo.SupportedSchemaVersions).toEqual([{ Major: 2, Minor: 1 }]);
    expect(p.GuestConnectionInfo.ProtocolVersion).toBe(4);
    expect(p.GuestConnectionInfo.GuestDefinedCapabilities.SignalProcessSupported).toBe(true);
    expect(p.GuestConnectionInfo.GuestDefinedCapabilities.DumpStacksSupported).toBe(false);
    expect(p.MappedVirtualDiskControllers).toEqual({});
  });

  it('accepts JSON text as well as a parsed value', () => {
    expect(decodeContainerProperties(JSON.stringify(sample))).toEqual(decodeContainerProperties(sample));
  });

  it('throws a JsonTextError with line and column for text that is not JSON', () => {
    expect(() => decodeContainerProperties('{\n  "Id": x }')).toThrow(JsonTextError);
    expect(() => decodeContainerProperties('{\n  "Id": x }')).toThrow(/line 2, column 9/);
  });

  it('matches keys case-insensitively, at every level', () => {
    const p = decodeContainerProperties({
      id: 'a',
      RUNTIMEOSTYPE: 'Linux',
      statistics: { memory: { memoryusagecommitbytes: 99 }, network: [{ endpointid: 'e' }] },
      processlist: [{ processid: 7 }],
    });
    expect(p.Id).toBe('a');
    expect(p.RuntimeOsType).toBe('Linux');
    expect(p.Statistics.Memory.MemoryUsageCommitBytes).toBe(99);
    expect(p.Statistics.Network[0]?.EndpointId).toBe('e');
    expect(p.ProcessList[0]?.ProcessId).toBe(7);
  });

  it('prefers nothing over a wrong type and keeps Go zero values', () => {
    const p = decodeContainerProperties({
      Id: 5,
      Stopped: 'true',
      Statistics: [],
      ProcessList: { ProcessId: 1 },
      Extra: { deep: true },
      MappedVirtualDiskControllers: 'none',
      GuestConnectionInfo: null,
    });
    expect(p.Id).toBe('');
    expect(p.Stopped).toBe(false);
    expect(p.Statistics.Uptime100ns).toBe(0);
    expect(p.Statistics.Timestamp).toBe('');
    expect(p.Statistics.Network).toEqual([]);
    expect(p.ProcessList).toEqual([]);
    expect(p.MappedVirtualDiskControllers).toEqual({});
    expect(p.GuestConnectionInfo.ProtocolVersion).toBe(0);
    expect(p).not.toHaveProperty('Extra');
  });

  it.each([null, 42, 'null', '[]', '', ' \n', true, [1, 2]])('gives an all-zero result for %p', (value) => {
    const p = decodeContainerProperties(value);
    expect(p.Id).toBe('');
    expect(p.ProcessList).toEqual([]);
  });

  it('keeps counters above 2^53 as the rounded number and zeroes invalid ones', () => {
    const text =
      '{"Statistics":{"Uptime100ns":18446744073709551615,"Memory":{"MemoryUsageCommitBytes":9007199254740993,' +
      '"MemoryUsageCommitPeakBytes":-1,"MemoryUsagePrivateWorkingSetBytes":1.5},' +
      '"Processor":{"TotalRuntime100ns":1e30,"RuntimeUser100ns":"12"}}}';
    const s = decodeContainerProperties(text).Statistics;
    expect(s.Uptime100ns).toBe(2 ** 64);
    expect(s.Memory.MemoryUsageCommitBytes).toBe(9007199254740992);
    expect(s.Memory.MemoryUsageCommitPeakBytes).toBe(0);
    expect(s.Memory.MemoryUsagePrivateWorkingSetBytes).toBe(0);
    expect(s.Processor.TotalRuntime100ns).toBe(0);
    expect(s.Processor.RuntimeUser100ns).toBe(0);
  });

  it('keeps an invalid timestamp as text without throwing', () => {
    const p = decodeContainerProperties({ Statistics: { Timestamp: 'yesterday', ContainerStartTime: 12 } });
    expect(p.Statistics.Timestamp).toBe('yesterday');
    expect(p.Statistics.ContainerStartTime).toBe('');
  });

  it('rejects a ProcessId above uint32', () => {
    expect(decodeContainerProperties({ ProcessList: [{ ProcessId: 4294967296 }] }).ProcessList[0]?.ProcessId).toBe(0);
  });
});

describe('MappedVirtualDiskControllers', () => {
  it('decodes the v0.6.14 sample, keyed by number, dropping Lun', () => {
    const text =
      '{"MappedVirtualDiskControllers":{"0":{"MappedVirtualDisks":{"2":{"HostPath":"C:\\\\x\\\\scratch.vhdx",' +
      '"ContainerPath":"/mnt/gcs/LinuxServiceVM/scratch","Lun":2,"CreateInUtilityVM":true},' +
      '"3":{"HostPath":"C:\\\\x\\\\sandbox.vhdx","Lun":3,"CreateInUtilityVM":true,"AttachOnly":true}}}}}';
    const controllers = decodeContainerProperties(text).MappedVirtualDiskControllers;
    expect(Object.keys(controllers)).toEqual(['0']);
    expect(controllers[0]?.MappedVirtualDisks[2]).toEqual({
      HostPath: 'C:\\x\\scratch.vhdx',
      ContainerPath: '/mnt/gcs/LinuxServiceVM/scratch',
      CreateInUtilityVM: true,
      ReadOnly: false,
      Cache: '',
      AttachOnly: false,
    });
    expect(controllers[0]?.MappedVirtualDisks[3]?.AttachOnly).toBe(true);
    expect(controllers[0]?.MappedVirtualDisks[3]).not.toHaveProperty('Lun');
  });

  it('drops non-numeric keys and non-object values, and reads keys as Go ParseInt does', () => {
    const controllers = decodeMappedVirtualDiskControllers({
      '0': { MappedVirtualDisks: { '1': {}, x: {}, '1.5': {}, ' 2': {}, '3': 'disk' } },
      abc: { MappedVirtualDisks: {} },
      '': {},
      '07': { mappedvirtualdisks: { '+4': { readonly: true } } },
      '1e3': {},
      '99999999999999999999': {},
      '2': null,
    });
    expect(Object.keys(controllers).sort()).toEqual(['0', '7']);
    expect(Object.keys(controllers[0]!.MappedVirtualDisks)).toEqual(['1']);
    expect(controllers[7]?.MappedVirtualDisks[4]?.ReadOnly).toBe(true);
  });

  it('lets the later key win when two name the same number', () => {
    const controllers = decodeMappedVirtualDiskControllers({ '1': { MappedVirtualDisks: {} }, '01': { MappedVirtualDisks: { '5': {} } } });
    expect(Object.keys(controllers[1]!.MappedVirtualDisks)).toEqual(['5']);
  });

  it('gives {} for anything that is not an object', () => {
    expect(decodeMappedVirtualDiskControllers([{ MappedVirtualDisks: {} }])).toEqual({});
    expect(decodeMappedVirtualDiskControllers(null)).toEqual({});
  });
});

describe('decodeContainerPropertiesList', () => {
  it('decodes an enumeration and drops non-object elements', () => {
    const list = decodeContainerPropertiesList('[{"Id":"a","SystemType":"Container"},null,7,{"id":"b"}]');
    expect(list.map((p) => p.Id)).toEqual(['a', 'b']);
    expect(list[0]?.SystemType).toBe('Container');
  });

  it.each(['null', '', '  ', '{}', '"x"', '3'])('gives [] for %p', (text) => {
    expect(decodeContainerPropertiesList(text)).toEqual([]);
  });

  it('throws with the position for invalid JSON', () => {
    expect(() => decodeContainerPropertiesList('[{"Id":"a"},]')).toThrow(/line 1, column 13/);
  });
});

describe('decodeProcessStatus', () => {
  it('decodes the four fields', () => {
    expect(decodeProcessStatus('{"ProcessId":42,"Exited":true,"ExitCode":3,"LastWaitResult":0}')).toEqual({
      ProcessId: 42,
      Exited: true,
      ExitCode: 3,
      LastWaitResult: 0,
    });
  });

  it('matches keys case-insensitively (the verified Go example)', () => {
    expect(decodeProcessStatus('{"processid":7}').ProcessId).toBe(7);
  });

  it('makes the exit code unsigned and the wait result signed', () => {
    const status = decodeProcessStatus({ ExitCode: -1073741819, LastWaitResult: 2147942402 });
    expect(status.ExitCode).toBe(0xc0000005);
    expect(status.LastWaitResult).toBe(-2147024894);
    expect(decodeProcessStatus({ ExitCode: 3221225477 }).ExitCode).toBe(0xc0000005);
  });

  it.each(['', null, undefined, '[]', 'null', '{"Exited":"yes","ExitCode":1e12}'])('gives zero fields for %p', (input) => {
    expect(decodeProcessStatus(input)).toEqual({ ProcessId: 0, Exited: false, ExitCode: 0, LastWaitResult: 0 });
  });

  it('throws a JsonTextError for text that is not JSON', () => {
    expect(() => decodeProcessStatus('{"ProcessId":}')).toThrow(JsonTextError);
  });

  it('the exact-key fast path reads what Go-style folding reads, for any values and any mix of spellings', () => {
    const names = ['ProcessId', 'Exited', 'ExitCode', 'LastWaitResult'];
    const value = fc.oneof(fc.integer({ min: -(2 ** 33), max: 2 ** 33 }), fc.double(), fc.boolean(), fc.constant(null), fc.string());
    const key = fc.oneof(fc.constantFrom(...names), fc.constantFrom('processid', 'EXITCODE', 'exited', 'lastWaitResult', 'Other'));
    fc.assert(
      fc.property(fc.dictionary(key, value), (doc) => {
        const folded = new GoFields(doc);
        const fast = new GoFields(doc, new Set(names));
        for (const name of names) {
          expect(fast.uint(name, 0xffffffff)).toBe(folded.uint(name, 0xffffffff));
          expect(fast.int(name, -(2 ** 31), 0xffffffff)).toBe(folded.int(name, -(2 ** 31), 0xffffffff));
          expect(fast.bool(name)).toBe(folded.bool(name));
        }
        // The decoder itself agrees with a folding-only read of the same document.
        const status = decodeProcessStatus(doc);
        expect(status.ProcessId).toBe(folded.uint('ProcessId', 0xffffffff));
        expect(status.Exited).toBe(folded.bool('Exited'));
      }),
      { numRuns: 500 },
    );
  });

  it('a differently cased duplicate still decides the value (the fast path is not taken)', () => {
    expect(decodeProcessStatus('{"ExitCode":1,"exitcode":2}').ExitCode).toBe(2);
    expect(decodeProcessStatus('{"exitcode":2,"ExitCode":1}').ExitCode).toBe(1);
  });
});
