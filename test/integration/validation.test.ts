import { containerConfig, newId, nodeProcess, settle, startedContainer, stopAndClose, useSimulatorHygiene } from '../support/integration';
import { simFault, simResourceStats } from '../support/sim';
import * as api from '../../src';
import { createContainer, getContainers, HcsError, HcsValidationError } from '../../src';

const hygiene = useSimulatorHygiene();

const SECRET = 'hunter2-s3cret-value';

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  const outcome = await settle(p);
  if (outcome.ok) throw new Error('expected a rejection, got a value');
  expect(outcome.error).toBeInstanceOf(Error);
  return outcome.error as Error & { code?: string };
}

describe('Bad input is refused before any native call', () => {
  it('an invalid container config rejects with HcsValidationError and the simulator sees nothing', async () => {
    const before = await simResourceStats();
    const id = newId();
    const err = await rejection(createContainer(id, { ...containerConfig(id), SystemType: 42 } as never));
    expect(err).toBeInstanceOf(HcsValidationError);
    expect(err.code).toBe('ERR_HCS_INVALID_CONFIG');
    const issues = (err as HcsValidationError).issues;
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]).toEqual(expect.objectContaining({ path: expect.anything(), message: expect.any(String) }));
    expect(JSON.stringify(issues)).toContain('SystemType');
    expect(await simResourceStats()).toEqual(before);
    expect(await getContainers({ Ids: [id] })).toEqual([]);
  });

  it('unknown keys in a container config are refused', async () => {
    const id = newId();
    const err = await rejection(createContainer(id, { ...containerConfig(id), NoSuchField: true } as never));
    expect(err).toBeInstanceOf(HcsValidationError);
    expect(await getContainers({ Ids: [id] })).toEqual([]);
  });

  it('an invalid process config rejects with HcsValidationError without creating a process', async () => {
    const container = await startedContainer(api, hygiene);
    const before = await simResourceStats();
    const err = await rejection(container.createProcess({ CommandLine: 5, CreateStdOutPipe: 'yes' } as never));
    expect(err).toBeInstanceOf(HcsValidationError);
    expect(err.code).toBe('ERR_HCS_INVALID_CONFIG');
    expect(await simResourceStats()).toEqual(before);
    await stopAndClose(container);
  });

  it('an invalid enumeration query rejects with HcsValidationError', async () => {
    const err = await rejection(getContainers({ Ids: 'not-a-list' } as never));
    expect(err).toBeInstanceOf(HcsValidationError);
  });

  it('resizeConsole() with impossible sizes is refused', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(await container.createProcess(nodeProcess(api, 'process.exit(0)', { CreateStdInPipe: false })));
    await expect(proc.resizeConsole(-1, Number.NaN)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_HCS_/) });
    await proc.wait();
    await proc.close();
    await stopAndClose(container);
  });
});

describe('Secrets stay out of errors', () => {
  it('Credentials never appear in a validation error', async () => {
    const id = newId();
    const err = await rejection(
      createContainer(id, { ...containerConfig(id), Credentials: SECRET, ProcessorCount: 'many' } as never),
    );
    expect(err).toBeInstanceOf(HcsValidationError);
    expect(`${err.message}\n${err.stack}\n${JSON.stringify(err)}`).not.toContain(SECRET);
  });

  it('Credentials never appear in an HCS failure of createContainer', async () => {
    await simFault({ Export: 'HcsCreateComputeSystem', HResult: '0xC037010D', Count: 1, Mode: 'fail' });
    const id = newId();
    const err = await rejection(createContainer(id, containerConfig(id, { Credentials: SECRET } as never)));
    expect(err).toBeInstanceOf(HcsError);
    expect(`${err.message}\n${err.stack}\n${JSON.stringify(err)}`).not.toContain(SECRET);
  });

  it('Environment values never appear in an HCS failure of createProcess', async () => {
    const container = await startedContainer(api, hygiene);
    await simFault({ Export: 'HcsCreateProcess', HResult: '0x80070002', Count: 1, Mode: 'fail' });
    const err = await rejection(
      container.createProcess(nodeProcess(api, 'process.exit(0)', { Environment: { TOKEN: SECRET } })),
    );
    expect(err).toBeInstanceOf(HcsError);
    expect(`${err.message}\n${err.stack}\n${JSON.stringify(err)}`).not.toContain(SECRET);
    await stopAndClose(container);
  });
});
