import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watchUnclosed } from '../../../src/core/unclosed-handles';

// Why this dance: jest does not start Node with --expose-gc; the flag can be set at run time and `gc` fetched
// from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function collectGarbage(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('watchUnclosed', () => {
  it('emits an HCS_UNCLOSED_HANDLE warning for an object collected without close()', async () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    (() => {
      watchUnclosed({}, { kind: 'Container', id: 'leaky', closed: { value: false } });
      watchUnclosed({}, { kind: 'Process', id: 'leaky', pid: 7, closed: { value: true } });
    })();
    await collectGarbage();
    const ours = emit.mock.calls.filter((c) => (c[1] as { code?: string } | undefined)?.code === 'HCS_UNCLOSED_HANDLE');
    emit.mockRestore();
    expect(ours).toHaveLength(1);
    expect(String(ours[0]![0])).toContain('Container leaky');
  });
});
