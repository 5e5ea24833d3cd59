#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { decodeInput } from './decode-input';
import { runCli } from './run';

/** Reads all of standard input as text (UTF-8, or UTF-16 as PowerShell writes it; see decodeInput). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return decodeInput(Buffer.concat(chunks));
}

// A reader that stops early (`hcs schema container | head -1`) closes the pipe: that is not an error worth a stack
// trace, so stop quietly, as Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// process.exitCode rather than process.exit(): exit() can cut off output still queued for a pipe.
runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: async (path) => decodeInput(await readFile(path)),
  readStdin,
}).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    process.stderr.write(`hcs: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
