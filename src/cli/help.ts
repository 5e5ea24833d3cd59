import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { documentSchemas } from '../../schemas';
import { documentKinds } from './args';

/** The general usage text (`hcs --help`). */
export function mainHelp(): string {
  return `Usage: hcs <command> [options]

Check Host Compute Service (vmcompute.dll) documents without Windows: the same validation hcsshim-ts applies
before anything is sent to HCS.

Commands:
  validate <file>...   Validate JSON documents (- reads standard input)
  schema <type>        Print the JSON Schema of a document type

Options:
  -h, --help           Show help (hcs <command> --help for a command)
  -v, --version        Show the version

Document types:
${typeTable()}
`;
}

/** Usage of `hcs validate`. */
export function validateHelp(): string {
  return `Usage: hcs validate [--type <type>] [--json] <file>...

Validates each file and prints each problem as "file: path: message" (past 20, one
more line "file: (root): and N more problems").
The type is inferred from the keys of each document unless --type is given.
A top-level "$schema" key (editor support) is ignored.

Options:
  -t, --type <type>    Treat every file as this document type
  --json               Print one JSON report: {"files":[{"file","type","schema","valid","issues":[{"path","message"}],
                       "error"?:{"message","line"?,"column"?}}]} ("error": a file that could not be read or parsed;
                       past 20 problems, a last issue {"path":"(root)","message","omitted":N} counts the rest)
  -h, --help           Show this help

Exit status: 0 all files valid, 1 some file invalid, 2 usage error or a file that cannot be read, is not JSON
(the line and column are reported) or whose type cannot be told.

Document types:
${typeTable()}
`;
}

/** Usage of `hcs schema`. */
export function schemaHelp(): string {
  return `Usage: hcs schema <type>

Prints the JSON Schema (draft-07) of a document type; the same files ship in the package as
schemas/json/<Name>.schema.json.

Document types:
${typeTable()}
`;
}

function typeTable(): string {
  return documentKinds()
    .map((kind) => `  ${kind.padEnd(16)} ${documentSchemas[kind].name}`)
    .join('\n');
}

/**
 * The package version, read from the `package.json` of hcsshim-ts found by walking up from this file: it is two
 * levels up from `src/cli` when run through tsx and three from `dist/src/cli` when built.
 */
export function packageVersion(): string {
  let dir = __dirname;
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'hcsshim-ts' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // Not here (or unreadable): keep walking up.
    }
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
