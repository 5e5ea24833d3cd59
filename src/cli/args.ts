import { documentSchemas, type DocumentKind } from '../../schemas';

/** A command line the user got wrong: printed with a hint to `--help`, exit status 2. */
export class UsageError extends Error {
  /** @param message what is wrong, one line. */
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** What `hcs` was asked to do. */
export type Command =
  | { name: 'help'; topic?: 'validate' | 'schema' }
  | { name: 'version' }
  | { name: 'validate'; files: string[]; type?: DocumentKind; json: boolean }
  | { name: 'schema'; type: DocumentKind };

/** The document kinds, in `documentSchemas` order (for messages and help). */
export function documentKinds(): DocumentKind[] {
  return Object.keys(documentSchemas) as DocumentKind[];
}

/**
 * Reads a document type as the user wrote it: a kind (`container`, `process-modify`) or a schema name
 * (`ContainerConfig`), case-insensitively. Throws {@link UsageError} naming the valid kinds otherwise.
 */
export function parseDocumentKind(text: string): DocumentKind {
  const wanted = text.toLowerCase();
  for (const kind of documentKinds()) {
    if (kind.toLowerCase() === wanted || documentSchemas[kind].name.toLowerCase() === wanted) return kind;
  }
  throw new UsageError(`unknown document type "${text}" (expected one of: ${documentKinds().join(', ')})`);
}

/**
 * Parses `hcs` arguments (without `node` and the script). Options may come before or after operands; `--` ends
 * options; a lone `-` is the file name for standard input. Throws {@link UsageError} on anything it does not know.
 */
export function parseArgs(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given');
  if (first === '--help' || first === '-h' || first === 'help') {
    const topic = rest[0];
    return topic === 'validate' || topic === 'schema' ? { name: 'help', topic } : { name: 'help' };
  }
  if (first === '--version' || first === '-v') return { name: 'version' };
  if (first === 'validate') return parseValidate(rest);
  if (first === 'schema') return parseSchema(rest);
  if (first.startsWith('-')) throw new UsageError(`unknown option ${first}`);
  throw new UsageError(`unknown command "${first}" (expected validate or schema)`);
}

function parseValidate(args: readonly string[]): Command {
  const files: string[] = [];
  let type: DocumentKind | undefined;
  let json = false;
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (optionsDone || arg === '-' || !arg.startsWith('-')) {
      files.push(arg);
    } else if (arg === '--') {
      optionsDone = true;
    } else if (arg === '--help' || arg === '-h') {
      return { name: 'help', topic: 'validate' };
    } else if (arg === '--json') {
      json = true;
    } else if (arg === '--type' || arg === '-t') {
      const value = args[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      type = parseDocumentKind(value);
    } else if (arg.startsWith('--type=')) {
      type = parseDocumentKind(arg.slice('--type='.length));
    } else {
      throw new UsageError(`unknown option ${arg} for validate`);
    }
  }
  if (files.length === 0) throw new UsageError('validate needs at least one file (use - for standard input)');
  return type === undefined ? { name: 'validate', files, json } : { name: 'validate', files, type, json };
}

function parseSchema(args: readonly string[]): Command {
  if (args.includes('--help') || args.includes('-h')) return { name: 'help', topic: 'schema' };
  const unknown = args.find((arg) => arg.startsWith('-'));
  if (unknown !== undefined) throw new UsageError(`unknown option ${unknown} for schema`);
  if (args.length !== 1) throw new UsageError(`schema takes exactly one document type (one of: ${documentKinds().join(', ')})`);
  return { name: 'schema', type: parseDocumentKind(args[0]!) };
}
