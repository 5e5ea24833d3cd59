import fs from 'node:fs';
import { SimControlError, simConfig, simControl, simFault, simLibraryPath, simReset, simStats } from '../support/sim';

// Runs on both lanes: on Windows it proves that vmcompute.dll loads in Windows Node and answers HcsSimControl.
describe('HcsSimControl through test/support/sim.ts', () => {
  afterEach(async () => {
    await simReset();
  });

  it('finds the built library', () => {
    expect(fs.existsSync(simLibraryPath())).toBe(true);
  });

  it('reports zeroed counters after a reset', async () => {
    await simReset();
    const stats = await simStats();
    expect(stats).toMatchObject({
      SystemHandles: 0,
      ProcessHandles: 0,
      Callbacks: 0,
      LiveProcesses: 0,
      ComputeSystems: 0,
      PendingNotifications: 0,
      Faults: 0,
      Disconnected: false,
    });
  });

  it('queues faults, counts them, and Reset clears them', async () => {
    await simFault({ Export: 'HcsStartComputeSystem', Mode: 'async-fail', HResult: '0xC0370109', Count: 2 });
    await simFault({ Export: 'ProcessExit', LastWaitResult: '0x80070102' });
    expect((await simStats()).Faults).toBe(2);
    await simReset();
    expect((await simStats()).Faults).toBe(0);
  });

  it('changes and reports the timing configuration', async () => {
    await expect(simConfig({ CompletionDelayMs: 20, ShutdownGraceMs: 500 })).resolves.toEqual({
      CompletionDelayMs: 20,
      ShutdownGraceMs: 500,
    });
    await simReset();
    await expect(simConfig({})).resolves.toEqual({ CompletionDelayMs: 5, ShutdownGraceMs: 2000 });
  });

  it('rejects a bad request with the HRESULT and the result document', async () => {
    const err = await simControl({ Op: 'Fault', Export: 'HcsNoSuchExport' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SimControlError);
    expect((err as SimControlError).hr).toBe(0xc037010d);
    expect((err as SimControlError).document).toMatchObject({
      Error: 0xc037010d | 0,
      ErrorEvents: [expect.objectContaining({ Message: 'unknown Export' })],
    });
  });

  it('rejects a Notify for an unknown system with 0xC037010E', async () => {
    await expect(simControl({ Op: 'Notify', Id: 'missing', Type: 6 })).rejects.toMatchObject({ hr: 0xc037010e });
  });
});
