import fc from 'fast-check';
import {
  JsonTextError,
  decodeContainerProperties,
  decodeContainerPropertiesList,
  decodeProcessStatus,
  decodeResultDocument,
} from '../../../schemas/outputs';
import { hostileValue } from './arbitraries';

/** JSON text as HCS might send it, plus truncated and corrupted variants. */
const jsonText = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.json({ maxDepth: 4 }).chain((t) => fc.nat(t.length).map((n) => t.slice(0, n))),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', '   ', 'null', '{', '{"Error":', '{"ErrorEvents":[1,"x",null,{}]}', '\uFEFF{}', '{"Error":1e400}', '[{"Id":1}]'),
);

/** Documents with the right keys (any case) and hostile values. */
const shapedDocument = fc
  .dictionary(
    fc.constantFrom('Error', 'error', 'ERRORMESSAGE', 'ErrorEvents', 'ProcessId', 'exitcode', 'Exited', 'LastWaitResult', 'Statistics', 'ProcessList', 'MappedVirtualDiskControllers', 'Id', 'State'),
    fc.oneof(hostileValue, fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(2 ** 64, -(2 ** 63), 1e308, 4294967295, -2147024883)),
    { maxKeys: 6 },
  )
  .map((o) => {
    try {
      return JSON.stringify(o);
    } catch {
      return '{}';
    }
  });

const onlyJsonTextErrors = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(JsonTextError);
  }
};

describe('wire-format fuzz: decoders of what HCS returns', () => {
  it('decodeResultDocument never throws and always yields an unsigned HRESULT and an events array', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, shapedDocument), (text) => {
        const doc = decodeResultDocument(text);
        if (doc === undefined) return;
        expect(Array.isArray(doc.ErrorEvents)).toBe(true);
        if (doc.Error !== undefined) {
          expect(Number.isInteger(doc.Error)).toBe(true);
          expect(doc.Error).toBeGreaterThanOrEqual(0);
          expect(doc.Error).toBeLessThanOrEqual(0xffffffff);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('decodeProcessStatus throws only JsonTextError, and its numbers stay in their Go ranges', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, shapedDocument, hostileValue), (input) => {
        onlyJsonTextErrors(() => {
          const s = decodeProcessStatus(input);
          expect(s.ExitCode).toBeGreaterThanOrEqual(0);
          expect(s.ExitCode).toBeLessThanOrEqual(0xffffffff);
          expect(s.LastWaitResult | 0).toBe(s.LastWaitResult);
          expect(typeof s.Exited).toBe('boolean');
        });
      }),
      { numRuns: 500 },
    );
  });

  it('container property decoders throw only JsonTextError for any text or value', () => {
    fc.assert(
      fc.property(fc.oneof(jsonText, shapedDocument), hostileValue, (text, value) => {
        onlyJsonTextErrors(() => expect(Array.isArray(decodeContainerPropertiesList(text))).toBe(true));
        onlyJsonTextErrors(() => expect(typeof decodeContainerProperties(text).Id).toBe('string'));
        onlyJsonTextErrors(() => expect(typeof decodeContainerProperties(value).State).toBe('string'));
      }),
      { numRuns: 400 },
    );
  });
});
