import fc from 'fast-check';
import {
  decodeContainerProperties,
  decodeContainerPropertiesList,
  decodeProcessStatus,
  decodeResultDocument,
  JsonTextError,
  parseJsonDocument,
} from '../../../schemas/outputs';
import { locateJsonError } from '../../../schemas/outputs/json-text';
import { compactProcessStatus } from '../../../schemas/outputs/process-status-compact';

/** Re-cases every object key at every depth (except purely numeric map keys) according to `flips`. */
function recase(value: unknown, flips: () => boolean): unknown {
  if (Array.isArray(value)) return value.map((v) => recase(v, flips));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => {
      const cased = [...key].map((ch) => (flips() ? (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()) : ch)).join('');
      return [cased, recase(v, flips)];
    }),
  );
}

const counter = fc.oneof(fc.nat(), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constant(2 ** 64));
const text = fc.string({ maxLength: 12 });
const propertiesDoc = fc.record(
  {
    Id: text,
    State: fc.constantFrom('Created', 'Running', 'Stopped'),
    SystemType: fc.constantFrom('Container', 'VirtualMachine'),
    RuntimeOsType: fc.constantFrom('Windows', 'Linux'),
    Stopped: fc.boolean(),
    AreUpdatesPending: fc.boolean(),
    Statistics: fc.record(
      {
        Timestamp: text,
        Uptime100ns: counter,
        Memory: fc.record({ MemoryUsageCommitBytes: counter, MemoryUsagePrivateWorkingSetBytes: counter }, { requiredKeys: [] }),
        Network: fc.array(fc.record({ BytesSent: counter, EndpointId: text }, { requiredKeys: [] }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    ProcessList: fc.array(fc.record({ ProcessId: fc.nat({ max: 0xffffffff }), ImageName: text }), { maxLength: 3 }),
    MappedVirtualDiskControllers: fc.dictionary(
      fc.nat({ max: 63 }).map(String),
      fc.record({
        MappedVirtualDisks: fc.dictionary(
          fc.nat({ max: 63 }).map(String),
          fc.record({ HostPath: text, ReadOnly: fc.boolean(), AttachOnly: fc.boolean(), Lun: fc.nat() }, { requiredKeys: [] }),
          { maxKeys: 3 },
        ),
      }),
      { maxKeys: 2 },
    ),
    GuestConnectionInfo: fc.record(
      { ProtocolVersion: fc.nat({ max: 10 }), GuestDefinedCapabilities: fc.record({ SignalProcessSupported: fc.boolean() }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);

describe('output decoders, property tests', () => {
  it('never throw on any JSON value, and decoding is idempotent', () => {
    // A top-level string is taken as JSON text by decodeContainerProperties, so it is left to the text tests.
    const value = fc.jsonValue().filter((v) => typeof v !== 'string');
    fc.assert(
      fc.property(value, (value) => {
        const once = decodeContainerProperties(value);
        const again = decodeContainerProperties(JSON.parse(JSON.stringify(once)));
        expect(again).toEqual(once);
        decodeProcessStatus(value);
        decodeContainerPropertiesList(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('decodeResultDocument never throws on any string', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (input) => {
        const doc = decodeResultDocument(input);
        if (doc !== undefined) expect(Array.isArray(doc.ErrorEvents)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('ignore the case of keys at every level', () => {
    fc.assert(
      fc.property(propertiesDoc, fc.infiniteStream(fc.boolean()), (doc, stream) => {
        const it = stream[Symbol.iterator]();
        const flips = (): boolean => it.next().value as boolean;
        expect(decodeContainerProperties(recase(doc, flips))).toEqual(decodeContainerProperties(doc));
      }),
      { numRuns: 200 },
    );
  });

  it('keep every field of a well-typed document', () => {
    fc.assert(
      fc.property(propertiesDoc, (doc) => {
        const decoded = decodeContainerProperties(doc);
        if (doc.Id !== undefined) expect(decoded.Id).toBe(doc.Id);
        if (doc.Statistics?.Uptime100ns !== undefined) expect(decoded.Statistics.Uptime100ns).toBe(doc.Statistics.Uptime100ns);
        expect(decoded.ProcessList).toHaveLength(doc.ProcessList?.length ?? 0);
        expect(Object.keys(decoded.MappedVirtualDiskControllers).sort()).toEqual(
          Object.keys(doc.MappedVirtualDiskControllers ?? {}).sort(),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('decodeProcessStatus, property tests', () => {
  // Mostly well-typed values (so that most documents take the exact-key fast path), and every kind of bad one:
  // past each bound, fractions, wrong types, null.
  const valid = (arbitrary: fc.Arbitrary<unknown>) => ({ arbitrary, weight: 6 });
  const invalid = {
    arbitrary: fc.constantFrom(-(2 ** 31) - 1, 2 ** 32, 2 ** 53, 0.5, Number.MAX_VALUE, true, null, '1', [], {}),
    weight: 1,
  };
  const int = fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 });
  const statusDoc = fc
    .tuple(
      fc.record({
        ProcessId: fc.oneof(valid(fc.integer({ min: 0, max: 2 ** 32 - 1 })), invalid),
        Exited: fc.oneof(valid(fc.boolean()), invalid),
        ExitCode: fc.oneof(valid(int), invalid),
        LastWaitResult: fc.oneof(valid(int), invalid),
      }),
      fc.option(fc.constantFrom('ProcessId', 'Exited', 'ExitCode', 'LastWaitResult'), { freq: 4 }),
    )
    .map(([doc, missing]): Record<string, unknown> => {
      const copy: Record<string, unknown> = { ...doc };
      if (missing !== null) delete copy[missing];
      return copy;
    });

  it('read the exactly spelled document as the general Go-rules path does', () => {
    // A key spelled in lower case matches the same field under Go's rules but never takes the exact-key fast path,
    // so the two decodings must agree on every document.
    fc.assert(
      fc.property(statusDoc, fc.constantFrom('ProcessId', 'Exited', 'ExitCode', 'LastWaitResult'), (doc, key) => {
        const general = Object.fromEntries(Object.entries(doc).map(([k, v]) => [k === key ? k.toLowerCase() : k, v]));
        if (!(key in doc)) general.unknownField = 1;
        const expected = decodeProcessStatus(general);
        expect(decodeProcessStatus(doc)).toEqual(expected);
        expect(decodeProcessStatus(JSON.stringify(doc))).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('reads compact documents, and every mutation of one, as JSON.parse and the general path do', () => {
    // The compact scan (no JSON.parse) must never accept what JSON.parse rejects nor read a value differently: each
    // text is decoded as text and, parsed first, as a value (which never takes the scan).
    const edit = fc.tuple(
      fc.nat(),
      fc.constantFrom('', '0', '1', '9', '-', '.', 'e', '+', ' ', ',', '}', '"', 'x', '00', '1e2', '.5'),
      fc.boolean(),
      fc.boolean(),
    );
    const wellTyped = fc.record({ ProcessId: fc.integer({ min: 0, max: 2 ** 32 - 1 }), Exited: fc.boolean(), ExitCode: int, LastWaitResult: int });
    const edits = fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }), weight: 2 });
    const text = fc.tuple(fc.oneof(wellTyped, statusDoc), edits).map(([doc, edits]) => {
      let s = JSON.stringify(doc);
      for (const [at, insert, replace, atValue] of edits) {
        // Half the edits land where a value starts (just after a colon), where the scan reads numbers.
        const colons = [...s.matchAll(/:/g)].map((m) => m.index + 1);
        const i = atValue && colons.length > 0 ? colons[at % colons.length]! : at % (s.length + 1);
        s = s.slice(0, i) + insert + s.slice(replace ? i + 1 : i);
      }
      return s;
    });
    let scanned = 0;
    fc.assert(
      fc.property(text, (candidate) => {
        if (compactProcessStatus(candidate)) scanned++;
        let parsed: unknown;
        try {
          parsed = JSON.parse(candidate);
        } catch {
          expect(() => decodeProcessStatus(candidate)).toThrow(JsonTextError);
          return;
        }
        expect(decodeProcessStatus(candidate)).toEqual(decodeProcessStatus(parsed));
      }),
      { numRuns: 3000 },
    );
    // The generator must exercise the scan itself, not only the fallback.
    expect(scanned).toBeGreaterThan(300);
  });

  it('takes the compact scan only for the exact layout', () => {
    expect(compactProcessStatus('{"ProcessId":4242,"Exited":true,"ExitCode":3221225477,"LastWaitResult":-2147023436}')).toEqual({
      ProcessId: 4242,
      Exited: true,
      ExitCode: 3221225477,
      LastWaitResult: -2147023436,
    });
    expect(compactProcessStatus('{"ProcessId":0,"Exited":false,"ExitCode":-1,"LastWaitResult":4294967295}')).toEqual({
      ProcessId: 0,
      Exited: false,
      ExitCode: 4294967295,
      LastWaitResult: -1,
    });
    for (const other of [
      '{ "ProcessId":1,"Exited":true,"ExitCode":0,"LastWaitResult":0}',
      '{"Exited":true,"ProcessId":1,"ExitCode":0,"LastWaitResult":0}',
      '{"ProcessId":01,"Exited":true,"ExitCode":0,"LastWaitResult":0}',
      '{"ProcessId":1,"Exited":true,"ExitCode":1.5,"LastWaitResult":0}',
      '{"ProcessId":1,"Exited":true,"ExitCode":1e3,"LastWaitResult":0}',
      '{"ProcessId":-1,"Exited":true,"ExitCode":0,"LastWaitResult":0}',
      '{"ProcessId":4294967296,"Exited":true,"ExitCode":0,"LastWaitResult":0}',
      '{"ProcessId":1,"Exited":true,"ExitCode":12345678901,"LastWaitResult":0}',
      '{"ProcessId":1,"Exited":true,"ExitCode":0,"LastWaitResult":0} ',
      '{"ProcessId":1,"Exited":true,"ExitCode":0,"LastWaitResult":0,"X":1}',
    ]) {
      expect(compactProcessStatus(other)).toBeUndefined();
    }
  });
});

describe('parseJsonDocument, property tests', () => {
  const jsonish = fc.string({ unit: fc.constantFrom(...'{}[]",:0123456789.-+eEtrufalsn \\\n\tab'.split('')), maxLength: 30 });
  const mutated = fc
    .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\\', '\u0001'))
    .map(([json, at, insert]) => {
      const i = json.length === 0 ? 0 : at % json.length;
      return json.slice(0, i) + insert + json.slice(i + 1);
    });

  it('accepts exactly what JSON.parse accepts, and locates every error inside the text', () => {
    fc.assert(
      fc.property(fc.oneof(jsonish, mutated, fc.json()), (candidate) => {
        let valid = true;
        try {
          JSON.parse(candidate);
        } catch {
          valid = false;
        }
        if (valid) {
          expect(parseJsonDocument(candidate)).toEqual(JSON.parse(candidate));
          return;
        }
        expect(() => parseJsonDocument(candidate)).toThrow(JsonTextError);
        const found = locateJsonError(candidate);
        expect(found.reason).not.toBe('invalid JSON');
        expect(found.offset).toBeGreaterThanOrEqual(0);
        expect(found.offset).toBeLessThanOrEqual(candidate.length);
      }),
      { numRuns: 2000 },
    );
  });
});
