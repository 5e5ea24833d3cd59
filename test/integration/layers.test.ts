import { HcsError, HcsValidationError, layerId, nameToGuid } from '../../src';
import { useSimulatorHygiene } from '../support/integration';
import { simFault } from '../support/sim';

useSimulatorHygiene();

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('layer IDs (NameToGuid)', () => {
  it('nameToGuid gives the same lower-case GUID for the same name, another for another name', async () => {
    const a = await nameToGuid('8c4e2a1b-base-layer');
    expect(a).toMatch(GUID);
    await expect(nameToGuid('8c4e2a1b-base-layer')).resolves.toBe(a);
    await expect(nameToGuid('8c4e2a1b-Base-Layer')).resolves.not.toBe(a);
    // The simulator's own GUIDs are version 8 with the RFC 4122 variant: proof the 16 bytes came through the GUID
    // struct in Windows' field order (Data3's high nibble, Data4[0]'s top bits), on both lanes.
    expect(a[14]).toBe('8');
    expect('89ab').toContain(a[19]);
  });

  it('layerId is the GUID of the folder name, whatever the separators, volume or trailing separator', async () => {
    const expected = await nameToGuid('layer-a');
    for (const path of ['C:\\ProgramData\\docker\\windowsfilter\\layer-a', 'C:/ProgramData/layer-a/', 'layer-a', '\\\\server\\share\\layer-a\\']) {
      await expect(layerId(path)).resolves.toBe(expected);
    }
  });

  it('refuses bad names before any native call, and maps a failed NameToGuid to an HcsError', async () => {
    for (const bad of ['', 'a\0b', 42 as never]) {
      await expect(nameToGuid(bad)).rejects.toBeInstanceOf(HcsValidationError);
    }
    for (const root of ['C:\\', '\\\\server\\share\\', '/']) {
      await expect(layerId(root)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG', document: 'path' });
    }
    await simFault({ Export: 'NameToGuid', Mode: 'fail', HResult: '0x80070005' });
    const err = await nameToGuid('x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HcsError);
    expect(err).toMatchObject({ hresult: 0x80070005, operation: 'hcs::NameToGuid', code: 'ERR_HCS_CALL' });
  });
});
