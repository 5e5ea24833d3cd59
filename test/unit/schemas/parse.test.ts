import { HcsValidationError, encodeContainerConfig, encodeProcessConfig, parseContainerConfig, parseProcessConfig, validateDocument } from '../../../schemas';

describe('parseProcessConfig / parseContainerConfig', () => {
  it('return a plain copy read once, with inherited fields and getters taken as values', () => {
    let reads = 0;
    const proto = { CreateStdOutPipe: true };
    const source = Object.create(proto, {
      CommandLine: {
        enumerable: true,
        get: () => {
          reads++;
          return `cmd-${reads}`;
        },
      },
    }) as unknown;
    const copy = parseProcessConfig(source);
    expect(copy).toStrictEqual({ CommandLine: 'cmd-1', CreateStdOutPipe: true });
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(reads).toBe(1);
  });

  it('throw HcsValidationError naming the document and the field', () => {
    const err = (() => {
      try {
        parseContainerConfig({ Name: 5 });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(HcsValidationError);
    expect((err as HcsValidationError).issues.map((i) => i.path)).toEqual(['Name']);
    expect((err as HcsValidationError).message).toContain('ContainerConfig');
  });

  it('give a copy that encodes to the same document as the original', () => {
    const config = { Name: 'c', SystemType: 'Container', Layers: [{ ID: '6fa2b9a9-5b8c-4a0e-8a1a-6d5c3c1e9f00', Path: 'C:\\l' }] };
    expect(encodeContainerConfig(parseContainerConfig(config))).toBe(encodeContainerConfig(config));
  });
});

describe('built-in objects as documents', () => {
  it('are refused at the root instead of read as an empty document (a Map query listed every system)', () => {
    for (const [value, kind] of [
      [new Map([['Ids', ['x']]]), 'Map'],
      [new Date(0), 'Date'],
      [new Set(), 'Set'],
      [/x/, 'RegExp'],
      [Promise.resolve(), 'Promise'],
    ] as const) {
      expect(validateDocument('query', value)).toEqual([{ path: '(root)', message: `must be a plain object, got a ${kind}` }]);
      expect(() => encodeProcessConfig(value)).toThrow(HcsValidationError);
    }
    class Spec {
      get Ids(): string[] {
        return ['x'];
      }
    }
    expect(validateDocument('query', new Spec())).toEqual([]);
    expect(validateDocument('query', Object.create(null))).toEqual([]);
  });
});
