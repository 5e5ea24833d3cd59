import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { OverlappedPipeIo } from '../../../src/ffi/windows-pipe-types';

/** Reads a stream to its end; resolves with the byte count and SHA-256 of everything read. */
export function digest(stream: Readable): Promise<{ bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    stream.once('end', () => resolve({ bytes, sha256: hash.digest('hex') }));
    stream.once('error', reject);
  });
}

/** Reads a stream to its end as one Buffer. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** SHA-256 of a buffer, hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Resolves once `stream` has emitted 'close'. */
export function closed(stream: NodeJS.EventEmitter & { closed?: boolean }): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

/** Waits (polling) until the primitive has no request, wait, event or buffer left; fails after `ms`. */
export async function untilIdle(io: OverlappedPipeIo, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const s = io.stats();
    if (s.pending === 0 && s.waits === 0 && s.events === 0 && s.buffers === 0) return;
    if (Date.now() > deadline) throw new Error(`pipe I/O still busy: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A pseudo-random buffer (fast, deterministic per seed). */
export function pattern(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeUInt32LE(x >>> 0, i <= size - 4 ? i : size - 4);
  }
  return out;
}
