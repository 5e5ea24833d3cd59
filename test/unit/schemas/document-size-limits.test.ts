import { encodeProcessConfig, encodeResourceModificationRequest } from '../../../schemas';
import { MAX_JSON_VALUES } from '../../../schemas/limits';
import { thrown } from './support/validation-helpers';

/** `levels` arrays, each holding the one before it twice: a few objects that write out as 3 * 2^levels - 1 values. */
function sharedTree(levels: number): unknown {
  let v: unknown = [1];
  for (let i = 0; i < levels; i++) v = [v, v];
  return v;
}

describe('document size limits', () => {
  it('counts shared references each time they are written out: under the limit accepted, over it refused', () => {
    expect(3 * 2 ** 18 - 1).toBeLessThan(MAX_JSON_VALUES);
    expect(3 * 2 ** 19 - 1).toBeGreaterThan(MAX_JSON_VALUES);
    const settings = (levels: number) => ({ ResourceType: 'Network', Settings: sharedTree(levels) as never });
    expect(encodeResourceModificationRequest(settings(18))).toContain('"Settings":[[[[');
    expect(thrown(() => encodeResourceModificationRequest(settings(19))).issues).toEqual([
      { path: 'Settings', message: expect.stringContaining(`holds more than ${MAX_JSON_VALUES} values as written out`) },
    ]);
  }, 60_000);

  it('refuses a graph of shared arrays that stands for 2^40 values (the walk used to never end)', () => {
    const err = thrown(() => encodeProcessConfig({ CommandLine: 'x', OCISpecification: { process: { args: sharedTree(40) } } as never }));
    expect(err.issues).toEqual([{ path: 'OCISpecification', message: expect.stringContaining('holds more than') }]);
  }, 60_000);

  it('a valid document too long for a JavaScript string is an HcsValidationError, not a RangeError', () => {
    // 40 references to one 16 Mi-character string: 16 MiB of memory, but 640 Mi characters of JSON, beyond V8's
    // longest string (2^29 - 24 characters).
    const arg = 'x'.repeat(2 ** 24);
    const err = thrown(() => encodeProcessConfig({ CommandArgs: new Array<string>(40).fill(arg) }));
    expect(err.issues).toEqual([{ path: '(root)', message: expect.stringContaining('is too large to encode') }]);
  }, 60_000);
});
