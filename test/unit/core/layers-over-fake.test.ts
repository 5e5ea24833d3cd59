import { layerId, nameToGuid, windowsBaseName } from '../../../src/api/layers';
import { useVmcomputeApi } from '../../../src/api/runtime';
import { FakeVmcompute } from '../../support/fake-vmcompute';

function setup(): FakeVmcompute {
  const fake = new FakeVmcompute();
  useVmcomputeApi(fake, () => ({ stdin: null, stdout: null, stderr: null }));
  return fake;
}

describe('layer IDs over the fake', () => {
  it('windowsBaseName finds the last element as Go filepath.Base does on Windows', () => {
    expect(windowsBaseName('C:\\a\\b\\layer')).toBe('layer');
    expect(windowsBaseName('C:\\a\\b\\layer\\\\')).toBe('layer');
    expect(windowsBaseName('C:/a/b/layer/')).toBe('layer');
    expect(windowsBaseName('C:layer')).toBe('layer');
    expect(windowsBaseName('\\\\server\\share\\layer')).toBe('layer');
    expect(windowsBaseName('layer')).toBe('layer');
    for (const root of ['C:\\', 'C:', '\\\\server\\share', '\\\\server\\share\\', '\\', '//']) expect(windowsBaseName(root)).toBe('');
  });

  it('layerId asks NameToGuid for the base name only', async () => {
    const fake = setup();
    fake.once('nameToGuid', () => ({ hr: 0, result: null, value: '11111111-2222-3333-4444-555555555555' }));
    await expect(layerId('D:\\images\\windowsfilter\\abc123\\')).resolves.toBe('11111111-2222-3333-4444-555555555555');
    expect(fake.callsOf('nameToGuid')).toEqual([['abc123']]);
  });

  it('refuses bad input before any native call, naming the argument', async () => {
    const fake = setup();
    await expect(nameToGuid('')).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG', document: 'name' });
    await expect(nameToGuid('a\0b')).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG', document: 'name' });
    await expect(nameToGuid(undefined as never)).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG', document: 'name' });
    await expect(layerId('C:\\')).rejects.toMatchObject({ code: 'ERR_HCS_INVALID_CONFIG', document: 'path' });
    expect(fake.calls).toEqual([]);
  });

  it('a failed NameToGuid rejects with an HcsError carrying the HRESULT', async () => {
    const fake = setup();
    fake.once('nameToGuid', () => ({ hr: 0x80070057, result: null, value: null }));
    await expect(nameToGuid('x')).rejects.toMatchObject({ hresult: 0x80070057, operation: 'hcs::NameToGuid' });
  });
});
