// Writes schemas/json/<Name>.schema.json for every input document (`npm run schemas`). The files are committed;
// test/unit/schemas/json-schema.test.ts fails when they differ from what this would write.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateJsonSchemaFiles } from '../src/cli/json-schema';

const outDir = join(__dirname, '..', 'schemas', 'json');
mkdirSync(outDir, { recursive: true });
const files = generateJsonSchemaFiles();
const wanted = new Set(files.map((f) => f.fileName));
// Remove schema files of documents that no longer exist, so a rename does not leave a stale file behind.
for (const name of readdirSync(outDir)) {
  if (name.endsWith('.schema.json') && !wanted.has(name)) rmSync(join(outDir, name));
}
for (const file of files) {
  writeFileSync(join(outDir, file.fileName), file.text);
  console.log(`wrote schemas/json/${file.fileName}`);
}
