import fc from 'fast-check';
import { encodeContainerConfig, encodeProcessConfig, validateDocument } from '../../../schemas';
import * as arb from './support/arbitraries';
import { thrown } from './support/validation-helpers';

const RUNS = 300;

const PROCESS_STRING_FIELDS = ['ApplicationName', 'CommandLine', 'User', 'WorkingDirectory'] as const;
const CONTAINER_STRING_FIELDS = ['Name', 'Owner', 'LayerFolderPath', 'Credentials', 'HostName', 'NetworkSharedContainerName', 'DNSSearchList'] as const;
const CONTAINER_COUNT_FIELDS = ['StorageIOPSMaximum', 'StorageBandwidthMaximum', 'StorageSandboxSize', 'MemoryMaximumInMB'] as const;

const unknownKey = fc.string({ minLength: 1, maxLength: 10 }).filter((k) => /^[A-Za-z_]\w*$/.test(k));

test('an unknown root key is reported at its own path, and only it', () => {
  fc.assert(
    fc.property(arb.processConfig, unknownKey, (config, key) => {
      fc.pre(!Object.prototype.hasOwnProperty.call(config, key) && !['ApplicationName', 'CommandLine', 'CommandArgs', 'User', 'WorkingDirectory', 'Environment', 'EmulateConsole', 'CreateStdInPipe', 'CreateStdOutPipe', 'CreateStdErrPipe', 'ConsoleSize', 'CreateInUtilityVm', 'OCISpecification'].includes(key));
      const issues = validateDocument('process', { ...config, [key]: 1 });
      expect(issues).toHaveLength(1);
      expect(issues[0]!.path).toBe(key);
      expect(issues[0]!.message).toMatch(/^unknown key/);
    }),
    { numRuns: RUNS },
  );
});

test('a NUL in any string field is reported at that field', () => {
  fc.assert(
    fc.property(arb.processConfig, fc.constantFrom(...PROCESS_STRING_FIELDS), arb.goStr, arb.goStr, (config, field, a, b) => {
      const issues = validateDocument('process', { ...config, [field]: `${a}\0${b}` });
      expect(issues).toEqual([{ path: field, message: 'must not contain a NUL character' }]);
    }),
    { numRuns: RUNS },
  );
  fc.assert(
    fc.property(arb.containerConfig, fc.constantFrom(...CONTAINER_STRING_FIELDS), arb.goStr, (config, field, a) => {
      const paths = validateDocument('container', { ...config, [field]: `${a}\0` }).map((i) => i.path);
      expect(paths).toEqual([field]);
    }),
    { numRuns: RUNS },
  );
});

test('a count beyond 2^53-1, negative or fractional is refused; the encoder throws before producing anything', () => {
  const bad = fc.oneof(
    fc.double({ min: 2 ** 53, max: 1e300, noNaN: true }),
    fc.integer({ min: -(2 ** 31), max: -1 }),
    fc.double({ min: 0, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  );
  fc.assert(
    fc.property(arb.containerConfig, fc.constantFrom(...CONTAINER_COUNT_FIELDS), bad, (config, field, value) => {
      const err = thrown(() => encodeContainerConfig({ ...config, [field]: value }));
      expect(err.issues.map((i) => i.path)).toEqual([field]);
    }),
    { numRuns: RUNS },
  );
});

test('secret values (Credentials, Environment values) never appear in errors, whatever else is wrong', () => {
  const marker = fc.stringMatching(/^SECRET[A-Za-z0-9]{8}$/);
  fc.assert(
    fc.property(marker, fc.boolean(), (secret, bogusKey) => {
      const process = { Environment: { TOKEN: `${secret}\0`, 'BAD=KEY': secret, NUM: [secret] }, ...(bogusKey ? { Bogus: secret } : {}) };
      const container = { Name: '', Credentials: `${secret}\0`, ...(bogusKey ? { Bogus: secret } : {}) };
      for (const err of [thrown(() => encodeProcessConfig(process)), thrown(() => encodeContainerConfig(container))]) {
        const said = err.message + JSON.stringify(err.issues);
        expect(said).not.toContain(secret);
      }
    }),
    { numRuns: 100 },
  );
});
