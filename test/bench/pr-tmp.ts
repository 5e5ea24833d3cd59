process.env.HCS_VMCOMPUTE_DLL = '/work/main/test/sim/build/libvmcompute-sim.so';
import { createContainer, type Container } from '/work/main/src/index';
import { simConfig } from '/work/main/test/support/sim';
import { minimalContainerConfig } from '/work/main/test/bench/lib/configs';
(async () => {
  await simConfig({ CompletionDelayMs: 1 });
  const cs: Container[] = [];
  for (let i = 0; i < 64; i++) { const c = await createContainer(`pr-${i}`, minimalContainerConfig(`pr-${i}`)); await c.start(); cs.push(c); }
  let stop = false; let n = 0;
  const t0 = process.hrtime.bigint(); const cpu0 = process.cpuUsage();
  const loops = cs.map(async (c) => { while (!stop) { await c.pause(); await c.resume(); n += 2; await new Promise((r) => setTimeout(r, 150 + Math.random() * 100)); } });
  await new Promise((r) => setTimeout(r, 5000)); stop = true; await Promise.all(loops);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9; const cpu = process.cpuUsage(cpu0);
  console.log(`${n} changes in ${secs.toFixed(1)} s = ${(n / secs).toFixed(0)}/s; process CPU ${((cpu.user + cpu.system) / 1e3 / secs / 10).toFixed(1)}% of one core; ${((cpu.user + cpu.system) / n).toFixed(0)} us CPU per change`);
  for (const c of cs) { await c.terminate(); await c.wait(); await c.close(); }
})();
