/**
 * Bounded waits: `waitTimeout()` gives up with ERR_HCS_TIMEOUT and leaves the container usable, and an
 * `AbortSignal` cancels a wait that would otherwise last forever. Neither frees anything HCS still uses.
 *
 *   npx tsx examples/abort-wait.ts
 */
import { randomUUID } from 'node:crypto';
import { buildSimulatorIfChosen, reportFatal, selectHcs, simulatorContainerConfig } from './lib/simulator';

async function main(): Promise<void> {
  process.stderr.write(`${selectHcs()}\n`);
  buildSimulatorIfChosen();
  // Loaded only now, after the library has been chosen; require() keeps the example CommonJS like the package.
  const hcs: typeof import('../src') = require('../src');

  const id = randomUUID();
  await using container = await hcs.createContainer(id, simulatorContainerConfig(id, 'abort-wait'));
  await container.start();

  // 1. A timeout: the container keeps running, so the wait gives up after 200 ms.
  try {
    await container.waitTimeout(200);
  } catch (err) {
    if (!hcs.isTimeout(err)) throw err;
    process.stdout.write(`waitTimeout(200) -> ${(err as InstanceType<typeof hcs.HcsError>).code}; the handle is still usable\n`);
  }
  const props = await container.properties();
  process.stdout.write(`state after the timeout: ${props.State}\n`);

  // 2. An abort: a wait with no time limit, cancelled from outside (here by a timer; in a server, by a client).
  const ac = new AbortController();
  setTimeout(() => ac.abort(new Error('the caller lost interest')), 200);
  try {
    await container.wait({ signal: ac.signal });
  } catch (err) {
    const e = err as Error;
    process.stdout.write(`wait({ signal }) -> ${e.name}: ${e.message}\n`);
  }

  // 3. The container is still ours to stop; this time the wait completes.
  await container.shutdown();
  await container.wait();
  process.stdout.write('shutdown and wait completed\n');
}

main().catch((err: unknown) => reportFatal('abort-wait', err));
