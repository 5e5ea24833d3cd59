/**
 * Lists the compute systems HCS knows about (`getContainers`), optionally filtered, as a table.
 *
 *   npx tsx examples/list-containers.ts [--owner <owner>]... [--id <id>]... [--json]
 *   npx tsx examples/list-containers.ts --demo     # creates two containers first, so the simulator has something to show
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildSimulatorIfChosen, reportFatal, selectHcs, simulatorContainerConfig } from './lib/simulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      owner: { type: 'string', multiple: true },
      id: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
    },
  });
  process.stderr.write(`${selectHcs()}\n`);
  buildSimulatorIfChosen();
  // Loaded only now, after the library has been chosen; require() keeps the example CommonJS like the package.
  const hcs: typeof import('../src') = require('../src');

  // --demo: two containers of our own, one running and one only created, removed again at the end.
  const demo: Awaited<ReturnType<typeof hcs.createContainer>>[] = [];
  try {
    for (const start of values.demo ? [true, false] : []) {
      const id = randomUUID();
      const c = await hcs.createContainer(id, simulatorContainerConfig(id, 'list-containers-demo'));
      demo.push(c);
      if (start) await c.start();
    }
    const query = {
      ...(values.owner ? { Owners: values.owner } : {}),
      ...(values.id ? { Ids: values.id } : {}),
    };
    const systems = await hcs.getContainers(query);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(systems, null, 2)}\n`);
      return;
    }
    const rows = [['ID', 'NAME', 'STATE', 'TYPE', 'OWNER'], ...systems.map((s) => [s.Id, s.Name, s.State ?? '', s.SystemType, s.Owner])];
    const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => String(r[col] ?? '').length)));
    for (const r of rows) process.stdout.write(`${r.map((cell, col) => String(cell ?? '').padEnd(widths[col])).join('  ').trimEnd()}\n`);
    process.stdout.write(`${systems.length} compute system(s)\n`);
  } finally {
    // Every one of them, even when one fails: nothing of the demo's may outlive it.
    for (const c of demo) {
      await c.terminate().catch(() => undefined);
      await c.close();
    }
  }
}

main().catch((err: unknown) => reportFatal('list-containers', err));
