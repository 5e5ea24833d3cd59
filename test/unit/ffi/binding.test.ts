import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import koffi from 'koffi';
import { HcsError, isHcsError } from '../../../src/errors';
import type { HcsCallbackHandle, HcsProcessHandle, HcsSystemHandle, VmcomputeApi } from '../../../src/ffi/types';
import { createVmcomputeApi, loadVmcompute } from '../../../src/ffi/vmcompute';
import { describeIf, itIf, onPosix, onWindows } from '../../support/lanes';

// The binding against a small C library compiled here (stub-vmcompute.c), not the simulator: it pins down the FFI
// contract (ownership of output strings, untouched outputs, UTF-16, structs, thread hops, missing exports) with a
// library whose every behaviour the test controls. POSIX only: the Windows lane has no C compiler under Wine.

const system = (n: bigint) => n as HcsSystemHandle;
const processHandle = (n: bigint) => n as HcsProcessHandle;

async function rejection(promise: Promise<unknown>): Promise<HcsError> {
  try {
    await promise;
  } catch (e) {
    if (isHcsError(e)) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describeIf(onPosix, 'needs a C compiler and a POSIX shared library')('the vmcompute binding (stub library)', () => {
  let dir: string;
  let stubPath: string;
  let api: VmcomputeApi;
  let counters: () => { live: number; badFrees: number; onLoaderThread: number; calls: number };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hcsshim-ts-ffi-'));
    stubPath = path.join(dir, 'libstub-vmcompute.so');
    execFileSync('cc', ['-shared', '-fPIC', '-O1', '-o', stubPath, path.join(__dirname, 'stub-vmcompute.c'), '-lpthread']);
    const read = koffi.load(stubPath).func('void StubCounters(_Out_ int32_t *out)');
    counters = () => {
      const out = [0, 0, 0, 0];
      read(out);
      return { live: out[0]!, badFrees: out[1]!, onLoaderThread: out[2]!, calls: out[3]! };
    };
    api = createVmcomputeApi({ path: stubPath, coTaskMemFrom: 'same' });
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => {
    // Every output string the DLL allocated was freed, and nothing else was handed to CoTaskMemFree.
    expect(counters()).toMatchObject({ live: 0, badFrees: 0 });
  });

  it('round-trips UTF-16 strings in and out (char16_t, not wchar_t)', async () => {
    const query = '{"Names":["é","中文","😀","\\u0000"]}';
    const r = await api.enumerateComputeSystems(query);
    expect(r).toEqual({ hr: 0, value: query, result: '{"Note":"enumerated"}' });
  });

  it('returns the HRESULT unsigned, the handle even when pending, and the result document', async () => {
    const r = await api.createComputeSystem('abcd', '{"SystemType":"Container"}');
    expect(r.hr).toBe(0xc0370103);
    expect(r.value).toBe(0x1004n);
    expect(r.result).toBe('{"Error":-1070137085,"ErrorMessage":"pending"}');
  });

  it('reports 0n and null when the DLL leaves its outputs untouched, and frees nothing', async () => {
    const r = await api.openComputeSystem('missing');
    expect(r).toEqual({ hr: 0x80070490, value: 0n, result: null });
  });

  it('decodes a non-ASCII result on failure', async () => {
    const r = await api.startComputeSystem(system(0x1004n), 'ü-options ✓');
    expect(r).toEqual({ hr: 0xc0370105, result: 'ü-options ✓' });
  });

  it('frees both outputs when the call fails', async () => {
    const r = await api.getComputeSystemProperties(system(0x1004n), '{}');
    expect(r).toEqual({ hr: 0x80004005, value: '{"Id":"partial"}', result: '{"Error":-2147467259}' });
  });

  it('close returns the HRESULT; a 0n handle is refused without calling the DLL (as hcsshim: already closed)', async () => {
    expect(await api.closeComputeSystem(system(0x1004n))).toBe(0);
    const before = counters().calls;
    const err = await rejection(api.closeComputeSystem(system(0n)));
    expect(err).toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED', operation: 'HcsCloseComputeSystem' });
    expect(err.message).toMatch(/zero handle/);
    await expect(api.startComputeSystem(system(0n), '')).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    await expect(api.unregisterComputeSystemCallback(0n as HcsCallbackHandle)).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    await expect(api.getProcessInfo(processHandle(0n))).rejects.toMatchObject({ code: 'ERR_HCS_ALREADY_CLOSED' });
    expect(counters().calls).toBe(before);
  });

  it('fills HCS_PROCESS_INFORMATION and the process handle', async () => {
    const r = await api.createProcess(system(0x1004n), '{"CommandLine":"cmd"}');
    expect(r).toEqual({
      hr: 0,
      result: null,
      value: { process: 0x2000n, info: { processId: 4242, stdInput: 11n, stdOutput: 12n, stdError: 0n } },
    });
    expect(await api.closeProcess(r.value.process)).toBe(0);
  });

  it('reports a zeroed HCS_PROCESS_INFORMATION when the DLL does not fill it', async () => {
    const r = await api.getProcessInfo(processHandle(0x2000n));
    expect(r).toEqual({
      hr: 0x80070490,
      result: '{"Error":-2147023728}',
      value: { processId: 0, stdInput: 0n, stdOutput: 0n, stdError: 0n },
    });
  });

  it('passes the pid as a DWORD', async () => {
    expect(await api.openProcess(system(0x1004n), 0xfffffffe)).toEqual({ hr: 0, result: null, value: 0xfffffffen });
  });

  it('HNSCall returns its response as value', async () => {
    expect(await api.hnsCall('GET', '/networks/', '')).toEqual({ hr: 0, result: null, value: '{"Success":true,"Output":[]}' });
  });

  it('delivers notifications from a foreign thread to the listener while Unregister waits for them (no deadlock)', async () => {
    const seen: Array<[number, number, number, string | null]> = [];
    api.setNotificationListener((type, context, status, data) => seen.push([type, context, status, data]));
    const before = api.registeredCallbackCount();
    const reg = await api.registerComputeSystemCallback(system(0x1004n), 123456);
    expect(reg).toEqual({ hr: 0, value: 0xcbn });
    expect(api.registeredCallbackCount()).toBe(1);
    expect(before === 0 || before === 1).toBe(true);
    // The stub's Unregister joins the thread that is calling back into JS: a synchronous call would hang here.
    expect(await api.unregisterComputeSystemCallback(reg.value)).toBe(0);
    expect(seen).toEqual([
      [2, 123456, 0, '{"x":"✓😀"}'],
      [0x10000, 123456, 0xc0370106, null],
    ]);
    // A second registration reuses the one koffi callback.
    const again = await api.registerComputeSystemCallback(system(0x1004n), 7);
    expect(await api.unregisterComputeSystemCallback(again.value)).toBe(0);
    expect(api.registeredCallbackCount()).toBe(1);
  });

  it('a throwing listener does not crash the process: the error becomes a warning', async () => {
    // A spy rather than a 'warning' listener: jest's sandboxed process object does not relay emitted warnings.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      api.setNotificationListener(() => {
        throw new Error('listener bug');
      });
      const reg = await api.registerComputeSystemCallback(system(0x1004n), 1);
      expect(await api.unregisterComputeSystemCallback(reg.value)).toBe(0);
      const messages = emitWarning.mock.calls.map((call) => String(call[0]));
      expect(messages.filter((m) => m.includes('listener bug'))).toHaveLength(2);
    } finally {
      emitWarning.mockRestore();
      api.setNotificationListener(() => undefined);
    }
  });

  it('makes every call off the JS thread (.async)', () => {
    const c = counters();
    expect(c.calls).toBeGreaterThan(10);
    expect(c.onLoaderThread).toBe(0);
  });

  it.each<[string, (api: VmcomputeApi) => Promise<unknown>]>([
    ['HcsPauseComputeSystem', (a) => a.pauseComputeSystem(system(1n), '')],
    ['HcsResumeComputeSystem', (a) => a.resumeComputeSystem(system(1n), '')],
    ['HcsShutdownComputeSystem', (a) => a.shutdownComputeSystem(system(1n), '')],
    ['HcsTerminateComputeSystem', (a) => a.terminateComputeSystem(system(1n), '')],
    ['HcsModifyComputeSystem', (a) => a.modifyComputeSystem(system(1n), '{}')],
    ['HcsTerminateProcess', (a) => a.terminateProcess(processHandle(1n))],
    ['HcsSignalProcess', (a) => a.signalProcess(processHandle(1n), '{}')],
    ['HcsGetProcessProperties', (a) => a.getProcessProperties(processHandle(1n))],
    ['HcsModifyProcess', (a) => a.modifyProcess(processHandle(1n), '{}')],
    ['HcsRegisterProcessCallback', (a) => a.registerProcessCallback(processHandle(1n), 1)],
    ['HcsUnregisterProcessCallback', (a) => a.unregisterProcessCallback(1n as HcsCallbackHandle)],
    ['HcsGetServiceProperties', (a) => a.getServiceProperties('{}')],
    ['HcsModifyServiceSettings', (a) => a.modifyServiceSettings('{}')],
  ])('a missing %s rejects with ERR_HCS_CALL 0x8007007F naming the export, and only that method', async (name, call) => {
    const e = await rejection(call(api));
    expect(e.code).toBe('ERR_HCS_CALL');
    expect(e.hresult).toBe(0x8007007f);
    expect(e.hresultName).toBe('ERROR_PROC_NOT_FOUND');
    expect(e.message).toContain(name);
    expect(e.operation).toBe(name);
    // The same error again (bound once), and the library is still usable.
    expect((await rejection(call(api))).message).toBe(e.message);
    expect((await api.hnsCall('GET', '/', '')).hr).toBe(0);
  });

  it.each<[string, (api: VmcomputeApi) => Promise<unknown>]>([
    ['a string with a NUL', (a) => a.startComputeSystem(system(1n), 'secret\0tail')],
    ['a pid out of DWORD range', (a) => a.openProcess(system(1n), 2 ** 32)],
    ['a negative pid', (a) => a.openProcess(system(1n), -1)],
    ['a fractional pid', (a) => a.openProcess(system(1n), 1.5)],
    ['a handle that is not a bigint', (a) => a.closeComputeSystem(5 as unknown as HcsSystemHandle)],
    ['a negative callback context', (a) => a.registerComputeSystemCallback(system(1n), -1)],
  ])('refuses %s before calling the DLL, without echoing the value', async (_label, call) => {
    const before = counters().calls;
    const e = await rejection(call(api));
    expect(e.code).toBe('ERR_HCS_CALL');
    expect(e.hresult).toBe(0x80070057);
    expect(e.message).not.toContain('secret');
    expect(counters().calls).toBe(before);
  });

  it('a library that cannot be loaded makes every method reject with ERR_HCS_UNAVAILABLE', async () => {
    const broken = createVmcomputeApi({ path: path.join(dir, 'does-not-exist.so'), coTaskMemFrom: 'same' });
    const first = await rejection(broken.enumerateComputeSystems('{}'));
    expect(first.code).toBe('ERR_HCS_UNAVAILABLE');
    expect(first.message).toContain('does-not-exist.so');
    expect((await rejection(broken.closeComputeSystem(system(1n)))).code).toBe('ERR_HCS_UNAVAILABLE');
    expect(broken.registeredCallbackCount()).toBeGreaterThanOrEqual(0);
  });

  it('a library without CoTaskMemFree is unavailable, and says why', async () => {
    const source = path.join(dir, 'nofree.c');
    const lib = path.join(dir, 'libnofree.so');
    fs.writeFileSync(source, 'int HcsCloseComputeSystem(void *h) { (void)h; return 0; }\n');
    execFileSync('cc', ['-shared', '-fPIC', '-o', lib, source]);
    const e = await rejection(createVmcomputeApi({ path: lib, coTaskMemFrom: 'same' }).closeComputeSystem(system(1n)));
    expect(e.code).toBe('ERR_HCS_UNAVAILABLE');
    expect(e.message).toContain('CoTaskMemFree');
  });
});

describe('missing exports on Windows', () => {
  // kernel32.dll loads everywhere and exports no Hcs* function, while CoTaskMemFree comes from ole32 on Windows:
  // every method must reject with ERROR_PROC_NOT_FOUND naming its export, through GetProcAddress's real failure.
  itIf(onWindows, 'Windows only: the POSIX lane covers this with the stub library')('a library without Hcs* exports makes each method reject with ERR_HCS_CALL 0x8007007F', async () => {
    const systemRoot = process.env.SystemRoot ?? 'C:\\Windows';
    const api = createVmcomputeApi({
      path: path.win32.join(systemRoot, 'System32', 'kernel32.dll'),
      coTaskMemFrom: 'ole32',
      ole32Path: path.win32.join(systemRoot, 'System32', 'ole32.dll'),
    });
    for (const [name, call] of [
      ['HcsEnumerateComputeSystems', () => api.enumerateComputeSystems('{}')],
      ['HcsCloseComputeSystem', () => api.closeComputeSystem(system(1n))],
      ['HcsRegisterProcessCallback', () => api.registerProcessCallback(processHandle(1n), 1)],
      ['HNSCall', () => api.hnsCall('GET', '/', '')],
    ] as const) {
      const e = await rejection(call());
      expect(e.code).toBe('ERR_HCS_CALL');
      expect(e.hresult).toBe(0x8007007f);
      expect(e.message).toContain(name);
    }
  });
});

describe('loadVmcompute', () => {
  it('is memoised and, off Windows without HCS_VMCOMPUTE_DLL, rejects every call with ERR_HCS_UNAVAILABLE', async () => {
    if (process.platform === 'win32') return expect(loadVmcompute()).toBe(loadVmcompute());
    const saved = process.env.HCS_VMCOMPUTE_DLL;
    delete process.env.HCS_VMCOMPUTE_DLL;
    try {
      const api = loadVmcompute();
      expect(loadVmcompute()).toBe(api);
      const e = await rejection(api.openComputeSystem('x'));
      expect(e.code).toBe('ERR_HCS_UNAVAILABLE');
      expect(e.message).toContain('HCS_VMCOMPUTE_DLL');
      expect(e.message).toContain('Containers feature');
      expect((await rejection(api.getServiceProperties('{}'))).code).toBe('ERR_HCS_UNAVAILABLE');
    } finally {
      if (saved !== undefined) process.env.HCS_VMCOMPUTE_DLL = saved;
    }
  });
});
