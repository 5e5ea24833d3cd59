import {
  documentSchemas,
  inferDocumentKind,
  JsonTextError,
  parseJsonDocument,
  validateDocument,
  type DocumentKind,
} from '../../schemas';
import type { FileReport } from './format';

/** How the validate command reads its inputs (injected so the command can be tested without files). */
export interface ValidateInputs {
  /** Reads a file as text (UTF-8 or UTF-16); rejects with a Node fs error or an unreadable encoding. */
  readFile(path: string): Promise<string>;
  /** Reads all of standard input as text (UTF-8 or UTF-16). */
  readStdin(): Promise<string>;
}

/**
 * Validates each file (`-` is standard input, read once however often it is named) and reports on each, in order.
 * Never throws for a bad file: unreadable files, invalid JSON and unknown types become reports with an `error`.
 */
export async function validateFiles(
  files: readonly string[],
  type: DocumentKind | undefined,
  inputs: ValidateInputs,
): Promise<FileReport[]> {
  let stdin: Promise<string> | undefined;
  const reports: FileReport[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = file === '-' ? await (stdin ??= inputs.readStdin()) : await inputs.readFile(file);
    } catch (error) {
      reports.push(failed(file, type, `cannot read: ${describeFsError(error)}`));
      continue;
    }
    reports.push(validateText(file, text, type));
  }
  return reports;
}

/** Validates one document's text as `type`, or as the type its keys suggest. */
export function validateText(file: string, text: string, type: DocumentKind | undefined): FileReport {
  let value: unknown;
  try {
    // Windows editors (Notepad, PowerShell's Out-File) start UTF-8 files with a byte order mark; JSON has none.
    value = parseJsonDocument(text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    const { line, column } = error.position;
    const reason = error.message.replace(/^Invalid JSON at line \d+, column \d+: /, '');
    const report = failed(file, type, `line ${line}, column ${column}: invalid JSON: ${reason}`);
    return { ...report, error: { message: report.error!.message, line, column } };
  }
  value = withoutSchemaKey(value);
  const kind = type ?? inferDocumentKind(value);
  if (kind === undefined) {
    return failed(file, undefined, 'cannot tell the document type from its keys; pass --type');
  }
  const issues = validateDocument(kind, value).map(({ path, message, omitted }) =>
    omitted === undefined ? { path, message } : { path, message, omitted },
  );
  return { file, type: kind, schema: documentSchemas[kind].name, valid: issues.length === 0, issues };
}

/** Drops a top-level `$schema` string: editors use it to find the JSON Schema; it is not part of the HCS document. */
function withoutSchemaKey(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const object = value as Record<string, unknown>;
  if (typeof object.$schema !== 'string') return value;
  const { $schema: _ignored, ...rest } = object;
  return rest;
}

function failed(file: string, type: DocumentKind | undefined, message: string): FileReport {
  return {
    file,
    type: type ?? null,
    schema: type === undefined ? null : documentSchemas[type].name,
    valid: false,
    issues: [],
    error: { message },
  };
}

function describeFsError(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    // Node's message repeats the path ("ENOENT: no such file or directory, open 'x'"); the report already names it.
    if (typeof message === 'string') return message.replace(/, \w+ '.*'$/, '');
    if (typeof code === 'string') return code;
  }
  return String(error);
}
