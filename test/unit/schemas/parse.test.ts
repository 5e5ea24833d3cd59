import { HcsValidationError, encodeContainerConfig, parseContainerConfig, parseProcessConfig } from '../../../schemas';

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
