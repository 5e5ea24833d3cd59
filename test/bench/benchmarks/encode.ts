import { encodeContainerConfig, encodeProcessConfig } from '../../../schemas';
import { benchMain, progress } from '../lib/child';
import type { BenchResult } from '../lib/report';
import { median } from '../lib/stats';
import { sampleContainerConfig, sampleProcessConfig } from '../lib/configs';

/** Encodes (validate + serialize) `value` repeatedly for about `ms` milliseconds; returns encodings per second. */
function rate(encode: (v: never) => string, value: unknown, ms: number): number {
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 256; i++) sink += encode(value as never).length;
    n += 256;
    now = process.hrtime.bigint();
  }
  if (sink === 0) throw new Error('encoder produced nothing');
  return n / (Number(now - start) / 1e9);
}

benchMain(async (options) => {
  const roundMs = options.quick ? 200 : 1000;
  const rounds = options.quick ? 3 : 5;
  rate(encodeProcessConfig, sampleProcessConfig, roundMs); // warm-up: JIT and zod's lazy schema setup
  rate(encodeContainerConfig, sampleContainerConfig, roundMs);
  const processRate = median(Array.from({ length: rounds }, () => rate(encodeProcessConfig, sampleProcessConfig, roundMs)));
  const container = median(
    Array.from({ length: rounds }, () => rate(encodeContainerConfig, sampleContainerConfig, roundMs)),
  );
  progress(`encode: ProcessConfig ${Math.round(processRate)}/s, ContainerConfig ${Math.round(container)}/s`);
  const result: BenchResult = {
    name: 'encode',
    summary: { processConfigPerSec: Math.round(processRate), containerConfigPerSec: Math.round(container) },
    rows: [
      { metric: 'encode: ProcessConfig validate+encode (/s)', median: processRate, target: '>= 100k/s', met: processRate >= 100_000 },
      { metric: 'encode: ContainerConfig validate+encode (/s)', median: container },
    ],
    notes: [`median of ${rounds} rounds of ${roundMs} ms, one thread; sizes: ProcessConfig ${JSON.stringify(sampleProcessConfig).length} B, ContainerConfig ${JSON.stringify(sampleContainerConfig).length} B of JSON`],
  };
  return result;
});
