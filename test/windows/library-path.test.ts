import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { createVmcomputeApi } from '../../src/ffi/vmcompute';
import { resolveVmcomputePath, VMCOMPUTE_DLL_ENV } from '../../src/ffi/library-path';
import { describeIf, onWindows } from '../support/lanes';

const reason = 'the System32 path rules apply only on Windows (Windows lane)';

function envWithoutOverride(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.toUpperCase() === VMCOMPUTE_DLL_ENV) delete env[key];
  return env;
}

describeIf(onWindows, reason)('vmcompute.dll location on Windows', () => {
  const systemRoot = process.env.SystemRoot ?? process.env.SYSTEMROOT ?? '';

  it('without HCS_VMCOMPUTE_DLL, loads %SystemRoot%\\System32\\vmcompute.dll by absolute path', () => {
    expect(path.win32.isAbsolute(systemRoot)).toBe(true);
    const location = resolveVmcomputePath(envWithoutOverride(), process.platform);
    expect(location).toMatchObject({
      path: path.win32.join(systemRoot, 'System32', 'vmcompute.dll'),
      coTaskMemFrom: 'ole32',
    });
    if (!('path' in location)) throw new Error('expected a path');
    expect(path.win32.isAbsolute(location.path)).toBe(true);
    expect(location.path.toLowerCase()).toBe(`${systemRoot.toLowerCase()}\\system32\\vmcompute.dll`);
  });

  it('with HCS_VMCOMPUTE_DLL, loads that path (the simulator DLL on this lane)', () => {
    const override = process.env[VMCOMPUTE_DLL_ENV];
    const location = resolveVmcomputePath({ ...envWithoutOverride(), [VMCOMPUTE_DLL_ENV]: override ?? 'Z:\\x\\vmcompute.dll' }, 'win32');
    expect(location).toMatchObject({ path: override ?? 'Z:\\x\\vmcompute.dll', coTaskMemFrom: 'ole32' });
  });

  it('a missing System32 vmcompute.dll (Wine has none) makes calls reject with ERR_HCS_UNAVAILABLE', async () => {
    const location = resolveVmcomputePath(envWithoutOverride(), process.platform);
    if (!('path' in location)) throw new Error('expected a path');
    expect(existsSync(location.path)).toBe(false);
    const api = createVmcomputeApi(location);
    await expect(api.enumerateComputeSystems('{}')).rejects.toMatchObject({ code: 'ERR_HCS_UNAVAILABLE' });
    await expect(api.openComputeSystem('x')).rejects.toMatchObject({ code: 'ERR_HCS_UNAVAILABLE' });
  });
});
