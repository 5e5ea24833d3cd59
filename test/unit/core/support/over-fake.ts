import { createContainer } from '../../../../src/api/create-container';
import type { Container } from '../../../../src/api/container';
import { useVmcomputeApi } from '../../../../src/api/runtime';
import type { RawStdioHandles } from '../../../../src/core/stdio-types';
import type { HcsProcessHandle, HcsSystemHandle } from '../../../../src/ffi/types';
import { FakeVmcompute } from '../../../support/fake-vmcompute';

/** A minimal container config the fake accepts. */
export const config = { SystemType: 'Container', Name: 'c1', Layers: [] } as never;

/**
 * A fresh fake installed as the runtime's API, and container `c1` created over it. Its stdio opener wraps nothing
 * and records every set of raw handles it is given (to wrap or to close) in `opened`.
 */
export async function containerOverFake(): Promise<{ fake: FakeVmcompute; c: Container; opened: RawStdioHandles[] }> {
  const fake = new FakeVmcompute();
  const opened: RawStdioHandles[] = [];
  useVmcomputeApi(fake, (raw) => {
    opened.push(raw);
    return { stdin: null, stdout: null, stderr: null };
  });
  const c = await createContainer('c1', config);
  return { fake, c, opened };
}

/** The handle of the first compute system registered with the fake. */
export function systemHandle(fake: FakeVmcompute): HcsSystemHandle {
  return fake.callsOf('registerComputeSystemCallback')[0]![0] as HcsSystemHandle;
}

/** The handle of the process registered last with the fake. */
export function lastProcess(fake: FakeVmcompute): HcsProcessHandle {
  const regs = fake.callsOf('registerProcessCallback');
  return regs[regs.length - 1]![0] as HcsProcessHandle;
}
