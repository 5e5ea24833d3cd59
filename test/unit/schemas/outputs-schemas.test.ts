import fc from 'fast-check';
import {
  ContainerPropertiesSchema,
  decodeContainerProperties,
  decodeProcessStatus,
  decodeResultDocument,
  ProcessStatusSchema,
  ResultDocumentSchema,
} from '../../../schemas/outputs';

describe('zod schemas of decoded outputs', () => {
  it('every decoded ContainerProperties satisfies ContainerPropertiesSchema', () => {
    fc.assert(
      fc.property(fc.jsonValue().filter((v) => typeof v !== 'string'), (value) => {
        const result = ContainerPropertiesSchema.safeParse(decodeContainerProperties(value));
        expect(result.error?.issues ?? []).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('a fully populated document decodes to something the schema accepts', () => {
    const decoded = decodeContainerProperties({
      Id: 'a',
      Statistics: { Uptime100ns: 2 ** 64, Network: [{ BytesSent: 1 }] },
      ProcessList: [{ ProcessId: 1 }],
      MappedVirtualDiskControllers: { '0': { MappedVirtualDisks: { '3': { Lun: 3, HostPath: 'x' } } } },
      GuestConnectionInfo: { SupportedSchemaVersions: [{ Major: -1, Minor: 2 }] },
    });
    expect(ContainerPropertiesSchema.safeParse(decoded).error?.issues ?? []).toEqual([]);
  });

  it('describes the decoded shape, not the raw wire: the raw Lun key is refused', () => {
    const raw = decodeContainerProperties({}) as unknown as Record<string, unknown>;
    raw.MappedVirtualDiskControllers = { '0': { MappedVirtualDisks: { '3': { Lun: 3 } } } };
    expect(ContainerPropertiesSchema.safeParse(raw).success).toBe(false);
    expect(ContainerPropertiesSchema.safeParse({ ...decodeContainerProperties({}), Id: 5 }).success).toBe(false);
  });

  it('every decoded result document and process status satisfies its schema', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const doc = decodeResultDocument(text);
        if (doc !== undefined) expect(ResultDocumentSchema.safeParse(doc).success).toBe(true);
        expect(ProcessStatusSchema.safeParse(decodeProcessStatus(text)).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
