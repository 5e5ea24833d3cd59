import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { watchUnclosed } from '../../../src/core/unclosed-handles';

// Why this dance: jest does not start Node with --expose-gc; the flag can be set at run time and `gc` fetched
// from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Collects garbage until `done()` or `ms` have passed. Why a deadline rather than a fixed count: finalization
 * callbacks run as tasks some time after the collection, later on a loaded machine (once seen under Wine).
 */
async function collectGarbageUntil(done: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  do {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  } while (!done() && Date.now() < deadline);
}

describe('watchUnclosed', () => {
  it('emits an HCS_UNCLOSED_HANDLE warning for an object collected without close()', async () => {
    const emit = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    (() => {
      watchUnclosed({}, { kind: 'Container', id: 'leaky', closed: { value: false } });
      watchUnclosed({}, { kind: 'Process', id: 'leaky', pid: 7, closed: { value: true } });
    })();
    const ours = () => emit.mock.calls.filter((c) => (c[1] as { code?: string } | undefined)?.code === 'HCS_UNCLOSED_HANDLE');
    await collectGarbageUntil(() => ours().length > 0, 5000);
    // A little longer, so that a report of the closed Process (a bug) would have time to show up too.
    await collectGarbageUntil(() => false, 200);
    const warnings = ours();
    emit.mockRestore();
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]![0])).toContain('Container leaky');
  });
});
