import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { HRESULT, hcsErrorFromHresult } from '../../src/errors';
import { resolveVmcomputePath } from '../../src/ffi/library-path';
import type { HcsCallbackHandle, HcsProcessHandle, HcsSystemHandle, VmcomputeApi } from '../../src/ffi/types';
import { loadKoffi } from '../../src/ffi/koffi-runtime';
import { createVmcomputeApi } from '../../src/ffi/vmcompute';
import { onWindows } from '../support/lanes';
import { simLibraryPath, simReset, simStats } from '../support/sim';

// The FFI layer alone (no core, no api) against the simulator: every VmcomputeApi method makes a real round trip
// through koffi to the library, on both lanes (the Linux .so and, under Wine, the mingw vmcompute.dll with
// CoTaskMemFree from ole32). Notifications come from the simulator's threads through the one registered callback.

const SystemExited = 0x1;
const SystemCreateCompleted = 0x2;
const SystemStartCompleted = 0x3;
const SystemPauseCompleted = 0x4;
const SystemResumeCompleted = 0x5;
const ProcessExited = 0x10000;

interface Seen {
  type: number;
  context: number;
  status: number;
  data: string | null;
}

let api: VmcomputeApi;
const seen: Seen[] = [];
let nextContext = 5000;

function containerConfiguration(id: string): string {
  const base = onWindows ? 'C:\\ProgramData\\hcsshim-ts\\' : '/tmp/hcsshim-ts/';
  return JSON.stringify({
    SystemType: 'Container',
    Name: id,
    Owner: 'hcsshim-ts-ffi-tests',
    LayerFolderPath: `${base}${id}`,
    Layers: [{ ID: '8e5b3c3e-4f3c-5b7a-9d7f-0d5f3c2e1a10', Path: `${base}base` }],
    HvPartition: false,
  });
}

function processParameters(script: string, pipes: boolean): string {
  const argv = [process.execPath, '-e', script];
  const command = onWindows ? { CommandLine: argv.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '\\"')}"` : a)).join(' ') } : { CommandArgs: argv };
  return JSON.stringify({ ...command, CreateStdInPipe: false, CreateStdOutPipe: pipes, CreateStdErrPipe: false });
}

async function notification(context: number, type: number, timeoutMs = 10_000): Promise<Seen> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = seen.find((n) => n.context === context && n.type === type);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no notification 0x${type.toString(16)} for context ${context}; saw ${JSON.stringify(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Creates and registers a system; returns its handle, callback handle and context. */
async function createRegistered(id: string): Promise<{ system: HcsSystemHandle; callback: HcsCallbackHandle; context: number }> {
  const created = await api.createComputeSystem(id, containerConfiguration(id));
  expect(created.hr === 0 || created.hr === HRESULT.OPERATION_PENDING).toBe(true);
  expect(created.value).not.toBe(0n);
  const context = nextContext++;
  const registered = await api.registerComputeSystemCallback(created.value, context);
  expect(registered.hr).toBe(0);
  expect(registered.value).not.toBe(0n);
  if (created.hr === HRESULT.OPERATION_PENDING) expect((await notification(context, SystemCreateCompleted)).status).toBe(0);
  return { system: created.value, callback: registered.value, context };
}

async function terminateAndClose(system: HcsSystemHandle, callback: HcsCallbackHandle, context: number): Promise<void> {
  const terminated = await api.terminateComputeSystem(system, '');
  if (terminated.hr === 0 || terminated.hr === HRESULT.OPERATION_PENDING) await notification(context, SystemExited);
  expect(await api.unregisterComputeSystemCallback(callback)).toBe(0);
  expect(await api.closeComputeSystem(system)).toBe(0);
}

beforeAll(() => {
  const location = resolveVmcomputePath({ ...process.env, HCS_VMCOMPUTE_DLL: simLibraryPath() });
  api = createVmcomputeApi(location);
  api.setNotificationListener((type, context, status, data) => seen.push({ type, context, status, data }));
});

afterEach(async () => {
  const stats = (await simStats()) as unknown as Record<string, number>;
  expect({
    SystemHandles: stats.SystemHandles,
    ProcessHandles: stats.ProcessHandles,
    Callbacks: stats.Callbacks,
    LiveProcesses: stats.LiveProcesses,
    InvalidHandles: stats.InvalidHandles,
  }).toEqual({ SystemHandles: 0, ProcessHandles: 0, Callbacks: 0, LiveProcesses: 0, InvalidHandles: 0 });
});

describe('VmcomputeApi against the simulator', () => {
  it('create (pending) -> CreateCompleted through the listener with our context; start, pause, resume; properties; enumerate; terminate -> SystemExited', async () => {
    const id = randomUUID();
    const { system, callback, context } = await createRegistered(id);
    expect(api.registeredCallbackCount()).toBe(1);

    for (const [call, completion] of [
      [() => api.startComputeSystem(system, ''), SystemStartCompleted],
      [() => api.pauseComputeSystem(system, ''), SystemPauseCompleted],
      [() => api.resumeComputeSystem(system, ''), SystemResumeCompleted],
    ] as const) {
      const r = await call();
      expect([0, HRESULT.OPERATION_PENDING]).toContain(r.hr);
      if (r.hr === HRESULT.OPERATION_PENDING) expect((await notification(context, completion)).status).toBe(0);
    }

    const properties = await api.getComputeSystemProperties(system, '{}');
    expect(properties.hr).toBe(0);
    expect(JSON.parse(properties.value ?? 'null')).toMatchObject({ Id: id });

    const listed = await api.enumerateComputeSystems('{}');
    expect(listed.hr).toBe(0);
    const all = JSON.parse(listed.value ?? '[]') as Array<{ Id: string }>;
    expect(all.map((s) => s.Id)).toContain(id);

    const filtered = await api.enumerateComputeSystems(JSON.stringify({ Ids: [id] }));
    expect((JSON.parse(filtered.value ?? '[]') as Array<{ Id: string }>).map((s) => s.Id)).toEqual([id]);

    await terminateAndClose(system, callback, context);
  });

  it('open by id gives a second handle; shutdown ends with SystemExited', async () => {
    const id = randomUUID();
    const { system, callback, context } = await createRegistered(id);
    const started = await api.startComputeSystem(system, '');
    if (started.hr === HRESULT.OPERATION_PENDING) await notification(context, SystemStartCompleted);
    const opened = await api.openComputeSystem(id);
    expect(opened.hr).toBe(0);
    expect(opened.value).not.toBe(0n);
    expect(opened.value).not.toBe(system);
    expect(await api.closeComputeSystem(opened.value)).toBe(0);
    const shut = await api.shutdownComputeSystem(system, '');
    expect([0, HRESULT.OPERATION_PENDING]).toContain(shut.hr);
    await notification(context, SystemExited);
    expect(await api.unregisterComputeSystemCallback(callback)).toBe(0);
    expect(await api.closeComputeSystem(system)).toBe(0);
  });

  it('processes: create returns a pid and handles, ProcessExited arrives, properties carry the exit code, open/info/close', async () => {
    const id = randomUUID();
    const { system, callback, context } = await createRegistered(id);
    const started = await api.startComputeSystem(system, '');
    if (started.hr === HRESULT.OPERATION_PENDING) await notification(context, SystemStartCompleted);

    const created = await api.createProcess(system, processParameters("process.stdout.write('hi'); process.exitCode = 3", !onWindows));
    expect(created.hr).toBe(0);
    const { process: proc, info } = created.value;
    expect(proc).not.toBe(0n);
    expect(info.processId).toBeGreaterThan(0);
    expect(info.stdInput).toBe(0n);
    expect(info.stdError).toBe(0n);
    if (!onWindows) {
      // On POSIX hosts the simulator's stdio handles are file descriptors, owned by us.
      expect(info.stdOutput).toBeGreaterThan(0n);
      const fd = Number(info.stdOutput);
      const chunks: Buffer[] = [];
      const buffer = Buffer.alloc(64);
      for (let n; (n = fs.readSync(fd, buffer, 0, buffer.length, null)) > 0; ) chunks.push(Buffer.from(buffer.subarray(0, n)));
      fs.closeSync(fd);
      expect(Buffer.concat(chunks).toString()).toBe('hi');
    }

    const processContext = nextContext++;
    const registered = await api.registerProcessCallback(proc, processContext);
    expect(registered.hr).toBe(0);
    const exited = await notification(processContext, ProcessExited);
    expect(exited.status).toBe(0);

    const status = await api.getProcessProperties(proc);
    expect(status.hr).toBe(0);
    expect(JSON.parse(status.value ?? 'null')).toMatchObject({ ProcessId: info.processId, Exited: true, ExitCode: 3 });

    const reopened = await api.openProcess(system, info.processId);
    expect(reopened.hr).toBe(0);
    expect(reopened.value).not.toBe(0n);
    const again = await api.getProcessInfo(reopened.value as HcsProcessHandle);
    expect(again.value.processId === 0 || again.value.processId === info.processId).toBe(true);
    for (const handle of [again.value.stdInput, again.value.stdOutput, again.value.stdError]) {
      if (handle !== 0n && !onWindows) fs.closeSync(Number(handle));
    }
    expect(await api.closeProcess(reopened.value)).toBe(0);

    expect(await api.unregisterProcessCallback(registered.value)).toBe(0);
    expect(await api.closeProcess(proc)).toBe(0);
    await terminateAndClose(system, callback, context);
  });

  it('terminateProcess, signalProcess and modifyProcess reach the simulator', async () => {
    const id = randomUUID();
    const { system, callback, context } = await createRegistered(id);
    const started = await api.startComputeSystem(system, '');
    if (started.hr === HRESULT.OPERATION_PENDING) await notification(context, SystemStartCompleted);
    const created = await api.createProcess(system, processParameters('setInterval(() => {}, 1000)', false));
    expect(created.hr).toBe(0);
    const proc = created.value.process;
    const processContext = nextContext++;
    const registered = await api.registerProcessCallback(proc, processContext);

    const modified = await api.modifyProcess(proc, JSON.stringify({ Operation: 'CloseHandle', CloseHandle: { Handle: 'StdIn' } }));
    expect(modified).toEqual({ hr: 0, result: null });
    const resized = await api.modifyProcess(proc, '{"Operation":');
    expect(resized.hr).not.toBe(0);
    expect(resized.result).toContain('ErrorEvents');
    const signalled = await api.signalProcess(proc, JSON.stringify({ Signal: 0 }));
    expect(signalled.hr).toBe(0);
    const killed = await api.terminateProcess(proc);
    expect([0, HRESULT.OPERATION_PENDING]).toContain(killed.hr);
    await notification(processContext, ProcessExited);

    expect(await api.unregisterProcessCallback(registered.value)).toBe(0);
    expect(await api.closeProcess(proc)).toBe(0);
    await terminateAndClose(system, callback, context);
  });

  it('failures come back as HRESULTs with result documents the error mapper understands', async () => {
    const missing = await api.openComputeSystem(randomUUID());
    expect(missing.value).toBe(0n);
    expect(hcsErrorFromHresult(missing.hr, { operation: 'HcsOpenComputeSystem', result: missing.result }).code).toBe('ERR_HCS_NOT_FOUND');

    const id = randomUUID();
    const bad = await api.createComputeSystem(id, '{"SystemType":');
    expect(bad.hr >>> 16).toBeGreaterThanOrEqual(0x8000);
    expect(hcsErrorFromHresult(bad.hr, { operation: 'HcsCreateComputeSystem', result: bad.result }).hresultName).toBe('HCS_E_INVALID_JSON');
    if (bad.value !== 0n) expect(await api.closeComputeSystem(bad.value)).toBe(0);
  });

  it('modifyComputeSystem, service properties, service settings and HNSCall make a round trip', async () => {
    const id = randomUUID();
    const { system, callback, context } = await createRegistered(id);
    const modified = await api.modifyComputeSystem(system, '{');
    const error = hcsErrorFromHresult(modified.hr, { operation: 'HcsModifyComputeSystem', id, result: modified.result });
    expect(error.hresultName).toBe('HCS_E_INVALID_JSON');
    expect(error.events.length).toBeGreaterThan(0);
    const service = await api.getServiceProperties('{}');
    expect(service.hr).toBe(0);
    expect(JSON.parse(service.value ?? 'null')).toHaveProperty('Properties');
    expect(await api.modifyServiceSettings('{}')).toEqual({ hr: 0, result: null });
    const hns = await api.hnsCall('GET', '/networks/', '');
    expect(hns.hr).toBe(0);
    expect(hns.result).toBeNull();
    expect(typeof (JSON.parse(hns.value ?? 'null') as { Success?: unknown }).Success).toBe('boolean');
    await terminateAndClose(system, callback, context);
  });

  it('an output string that cannot be read does not lose the handle the call made (the caller can still close it)', async () => {
    const koffi = loadKoffi() as unknown as { decode: { string16: (...args: unknown[]) => unknown } };
    const original = koffi.decode.string16;
    const id = randomUUID();
    koffi.decode.string16 = () => {
      throw new Error('unreadable');
    };
    let created;
    try {
      created = await api.createComputeSystem(id, containerConfiguration(id));
    } finally {
      koffi.decode.string16 = original;
    }
    // Pending, with its result document unreadable: the handle still comes back, and the string as null.
    expect(created).toMatchObject({ hr: HRESULT.OPERATION_PENDING, result: null });
    expect(created.value).not.toBe(0n);
    await api.terminateComputeSystem(created.value, '');
    expect(await api.closeComputeSystem(created.value)).toBe(0);
  });

  it('a closed handle is reported by the library (the binding passes it through, it does not crash)', async () => {
    const id = randomUUID();
    const { system, callback, context } = await createRegistered(id);
    await terminateAndClose(system, callback, context);
    expect(await api.closeComputeSystem(system)).toBe(HRESULT.INVALID_HANDLE);
    expect((await api.startComputeSystem(system, '')).hr).toBe(HRESULT.INVALID_HANDLE);
    // The simulator counts both (the hygiene check requires zero after every other test), then forgets them.
    expect((await simStats()).InvalidHandles).toBe(2);
    await simReset();
  });

  it('many calls in flight at once each get their own outputs (out slots stay alive across .async)', async () => {
    const ids = Array.from({ length: 40 }, () => randomUUID());
    const results = await Promise.all(ids.map((id) => api.openComputeSystem(id)));
    for (const r of results) {
      expect(r.value).toBe(0n);
      expect(r.result).toContain('ErrorMessage');
    }
    const services = await Promise.all(Array.from({ length: 40 }, () => api.getServiceProperties('{}')));
    expect(new Set(services.map((r) => r.value)).size).toBe(1);
    expect(services.every((r) => r.hr === 0 && r.value !== null)).toBe(true);
  });
});
