import { containerConfig, newId, nodeProcess, startedContainer, stopAndClose, useSimulatorHygiene } from '../support/integration';
import * as api from '../../src';
import { createContainer, getContainers, getServiceProperties, HcsError, HcsValidationError, isNotExist, openContainer } from '../../src';
import { simStats } from '../support/sim';

const hygiene = useSimulatorHygiene();

describe('Container properties, enumeration and modification', () => {
  it('properties() describes the system as configured', async () => {
    const id = newId();
    const container = hygiene.track(await createContainer(id, containerConfig(id, { Owner: 'props-owner' })));
    await container.start();
    const props = await container.properties();
    expect(props.Id).toBe(id);
    expect(props.Name).toBe(id);
    expect(props.SystemType).toBe('Container');
    expect(props.Owner).toBe('props-owner');
    await stopAndClose(container);
  });

  describe('with HCSSHIM_CREATECONTAINER_ADDITIONALJSON set', () => {
    const variable = 'HCSSHIM_CREATECONTAINER_ADDITIONALJSON';
    afterEach(() => {
      delete process.env[variable];
    });

    it('creates the system from the config merged with the variable, read at each create', async () => {
      process.env[variable] = '{"Owner":"merged-owner"}';
      const id = newId();
      const merged = hygiene.track(await createContainer(id, containerConfig(id, { Owner: 'props-owner' })));
      expect((await merged.properties()).Owner).toBe('merged-owner');
      expect((await merged.properties()).Name).toBe(id);
      await merged.close();
      process.env[variable] = '';
      const plainId = newId();
      const plain = hygiene.track(await createContainer(plainId, containerConfig(plainId, { Owner: 'props-owner' })));
      expect((await plain.properties()).Owner).toBe('props-owner');
      await plain.close();
    });

    it('refuses a variable that is not a JSON object before any native call, without quoting it', async () => {
      process.env[variable] = '{"Owner":"secret-owner",';
      const before = await simStats();
      const error = await createContainer(newId(), containerConfig(newId())).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(HcsValidationError);
      expect((error as HcsValidationError).document).toBe(variable);
      expect((error as Error).message).not.toContain('secret-owner');
      const after = await simStats();
      expect(after.ComputeSystems).toBe(before.ComputeSystems);
      expect(after.SystemHandles).toBe(0);
    });
  });

  it('statistics() and processList() report a running process', async () => {
    const container = await startedContainer(api, hygiene);
    const proc = hygiene.track(
      await container.createProcess(nodeProcess(api, 'setTimeout(() => {}, 20000)', { CreateStdInPipe: false })),
    );
    const stats = await container.statistics();
    expect(stats).toEqual(expect.objectContaining({ Memory: expect.any(Object), Processor: expect.any(Object) }));
    const list = await container.processList();
    expect(list.map((p) => p.ProcessId)).toContain(proc.pid);
    const mine = list.find((p) => p.ProcessId === proc.pid);
    expect(typeof mine?.ImageName).toBe('string');
    await proc.kill();
    await proc.wait();
    await proc.close();
    await stopAndClose(container);
  });

  it('mappedVirtualDisks() returns the disks of the configuration by controller', async () => {
    const hostPath = process.platform === 'win32' ? 'C:\\disks\\data.vhdx' : '/tmp/hcsshim-ts/data.vhdx';
    const container = await startedContainer(api, hygiene, {
      MappedVirtualDisks: [{ HostPath: hostPath, ContainerPath: 'C:\\data', CreateInUtilityVM: false, ReadOnly: true }],
    } as never);
    const controllers = await container.mappedVirtualDisks();
    const disks = Object.values(controllers).flatMap((c) => Object.values(c.MappedVirtualDisks ?? {}));
    expect(disks.map((d) => d.HostPath)).toContain(hostPath);
    await stopAndClose(container);
  });

  it('getContainers() enumerates with Ids, Names, Owners and Types filters', async () => {
    const a = newId();
    const b = newId();
    const ca = hygiene.track(await createContainer(a, containerConfig(a, { Owner: 'enum-owner-a' })));
    const cb = hygiene.track(await createContainer(b, containerConfig(b, { Owner: 'enum-owner-b' })));

    const all = (await getContainers()).map((p) => p.Id);
    expect(all).toEqual(expect.arrayContaining([a, b]));
    expect((await getContainers({ Ids: [a] })).map((p) => p.Id)).toEqual([a]);
    expect((await getContainers({ Names: [b] })).map((p) => p.Id)).toEqual([b]);
    expect((await getContainers({ Owners: ['enum-owner-a'] })).map((p) => p.Id)).toEqual([a]);
    expect((await getContainers({ Types: ['Container'], Owners: ['enum-owner-b'] })).map((p) => p.Id)).toEqual([b]);
    expect(await getContainers({ Ids: [newId()] })).toEqual([]);

    for (const c of [ca, cb]) {
      await c.terminate();
      await c.wait();
      await c.close();
    }
  });

  it('openContainer() gives a second handle to the same system', async () => {
    const container = await startedContainer(api, hygiene);
    const other = hygiene.track(await openContainer(container.id));
    expect(other.id).toBe(container.id);
    expect((await other.properties()).Id).toBe(container.id);
    // An exit observed through one handle is observed through the other.
    await container.shutdown();
    await Promise.all([container.wait(), other.wait()]);
    await other.close();
    await container.close();
  });

  it('openContainer() of a system that has already stopped: wait() resolves, though the new handle is sent no SystemExited', async () => {
    const container = await startedContainer(api, hygiene);
    await container.terminate();
    await container.wait();
    // The system stays listed while a handle is open; the simulator queues notifications per handle, so the new
    // handle's registration is never told of the exit that happened before it existed (as on a host that does not
    // replay it). openContainer must learn it from the properties instead.
    const late = hygiene.track(await openContainer(container.id));
    const exits: unknown[] = [];
    late.on('exit', (err) => exits.push(err));
    await expect(late.waitTimeout(5_000)).resolves.toBeUndefined();
    await new Promise((r) => setImmediate(r));
    expect(exits).toStrictEqual([undefined]);
    expect((await simStats()).QueuedForRegistration).toBe(0);
    await late.close();
    await container.close();
  });

  it('openContainer() of an unknown id rejects with ERR_HCS_NOT_FOUND', async () => {
    const err = await openContainer(newId()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HcsError);
    expect((err as HcsError).code).toBe('ERR_HCS_NOT_FOUND');
    expect(isNotExist(err)).toBe(true);
    expect((err as HcsError).operation).toEqual(expect.any(String));
  });

  it('modify() sends a resource modification request', async () => {
    const container = await startedContainer(api, hygiene);
    await expect(
      container.modify({ ResourceType: 'Network', RequestType: 'Add', Settings: newId() } as never),
    ).resolves.toBeUndefined();
    await stopAndClose(container);
  });

  it('getServiceProperties() returns a document', async () => {
    await expect(getServiceProperties()).resolves.toBeDefined();
  });
});
