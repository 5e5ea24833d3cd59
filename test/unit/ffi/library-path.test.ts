import { resolveVmcomputePath, VMCOMPUTE_DLL_ENV } from '../../../src/ffi/library-path';

describe('resolveVmcomputePath', () => {
  describe('on Windows', () => {
    it('uses %SystemRoot%\\System32\\vmcompute.dll by absolute path and CoTaskMemFree from ole32', () => {
      expect(resolveVmcomputePath({ SystemRoot: 'D:\\Win' }, 'win32')).toEqual({
        path: 'D:\\Win\\System32\\vmcompute.dll',
        coTaskMemFrom: 'ole32',
        ole32Path: 'D:\\Win\\System32\\ole32.dll',
      });
    });

    it('matches the variable name case-insensitively, as Windows does', () => {
      expect(resolveVmcomputePath({ SYSTEMROOT: 'E:\\W' }, 'win32')).toMatchObject({ path: 'E:\\W\\System32\\vmcompute.dll' });
    });

    it('falls back to %windir%, then to C:\\Windows', () => {
      expect(resolveVmcomputePath({ windir: 'F:\\Windows' }, 'win32')).toMatchObject({ path: 'F:\\Windows\\System32\\vmcompute.dll' });
      expect(resolveVmcomputePath({}, 'win32')).toMatchObject({
        path: 'C:\\Windows\\System32\\vmcompute.dll',
        ole32Path: 'C:\\Windows\\System32\\ole32.dll',
      });
    });

    it('ignores a relative SystemRoot (a relative path would let LoadLibrary search the current directory)', () => {
      expect(resolveVmcomputePath({ SystemRoot: 'Windows', windir: 'relative\\x' }, 'win32')).toMatchObject({
        path: 'C:\\Windows\\System32\\vmcompute.dll',
      });
    });

    it('lets HCS_VMCOMPUTE_DLL override the library but keeps CoTaskMemFree from ole32', () => {
      expect(resolveVmcomputePath({ [VMCOMPUTE_DLL_ENV]: 'Z:\\sim\\vmcompute.dll', SystemRoot: 'C:\\Windows' }, 'win32')).toEqual({
        path: 'Z:\\sim\\vmcompute.dll',
        coTaskMemFrom: 'ole32',
        ole32Path: 'C:\\Windows\\System32\\ole32.dll',
      });
    });
  });

  describe('off Windows', () => {
    it.each(['linux', 'darwin', 'freebsd'] as const)('is unavailable on %s without HCS_VMCOMPUTE_DLL, and says what to do', (platform) => {
      const location = resolveVmcomputePath({}, platform);
      expect(location).toEqual({ unavailable: expect.any(String) });
      const message = (location as { unavailable: string }).unavailable;
      expect(message).toContain('Windows with the Containers feature');
      expect(message).toContain(VMCOMPUTE_DLL_ENV);
      expect(message).toContain('test/sim/build/libvmcompute-sim.so');
      expect(message).toContain(platform);
    });

    it('treats an empty or blank HCS_VMCOMPUTE_DLL as unset', () => {
      expect(resolveVmcomputePath({ [VMCOMPUTE_DLL_ENV]: '' }, 'linux')).toHaveProperty('unavailable');
      expect(resolveVmcomputePath({ [VMCOMPUTE_DLL_ENV]: '   ' }, 'linux')).toHaveProperty('unavailable');
    });

    it('uses HCS_VMCOMPUTE_DLL with CoTaskMemFree from the same library', () => {
      expect(resolveVmcomputePath({ [VMCOMPUTE_DLL_ENV]: '/opt/sim/libvmcompute-sim.so' }, 'linux')).toEqual({
        path: '/opt/sim/libvmcompute-sim.so',
        coTaskMemFrom: 'same',
      });
    });

    it('makes a relative HCS_VMCOMPUTE_DLL absolute (no library search path lookup)', () => {
      const location = resolveVmcomputePath({ [VMCOMPUTE_DLL_ENV]: 'build/lib.so' }, 'linux') as { path: string };
      expect(location.path.startsWith('/')).toBe(true);
      expect(location.path.endsWith('/build/lib.so')).toBe(true);
      if (process.platform !== 'win32') expect(location.path).toBe(`${process.cwd()}/build/lib.so`);
    });
  });

  it('defaults to process.env and process.platform', () => {
    const saved = process.env[VMCOMPUTE_DLL_ENV];
    try {
      process.env[VMCOMPUTE_DLL_ENV] = '/x/y.so';
      const expected = process.platform === 'win32' ? { path: expect.stringMatching(/y\.so$/), coTaskMemFrom: 'ole32' } : { path: '/x/y.so', coTaskMemFrom: 'same' };
      expect(resolveVmcomputePath()).toMatchObject(expected);
    } finally {
      if (saved === undefined) delete process.env[VMCOMPUTE_DLL_ENV];
      else process.env[VMCOMPUTE_DLL_ENV] = saved;
    }
  });
});
