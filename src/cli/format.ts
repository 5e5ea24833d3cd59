import type { DocumentKind } from '../../schemas';

/** One problem in a document: where (`Layers[0].ID`, `(root)`) and what. */
export interface ReportedIssue {
  path: string;
  message: string;
  /** Only on the last entry of a list cut short (20 problems are listed): how many more problems there are. */
  omitted?: number;
}

/** Why a file could not be validated at all (unreadable, not JSON, type unknown). */
export interface FileError {
  message: string;
  /** 1-based line of a JSON syntax error. */
  line?: number;
  /** 1-based column of a JSON syntax error. */
  column?: number;
}

/** The outcome for one file of `hcs validate`. */
export interface FileReport {
  /** The name as given on the command line (`-` for standard input). */
  file: string;
  /** The document kind used, or `null` when none could be determined. */
  type: DocumentKind | null;
  /** The schema name (`ContainerConfig`), or `null`. */
  schema: string | null;
  /** True when the document validated with no problems. */
  valid: boolean;
  /**
   * The validation problems in document order: all of them, or the first 20 and a last entry at `(root)` whose
   * `omitted` counts the rest.
   */
  issues: ReportedIssue[];
  /** Present when the file could not be validated at all. */
  error?: FileError;
}

/** How a file is named in text output: `<stdin>` for `-`. */
export function displayName(file: string): string {
  return file === '-' ? '<stdin>' : file;
}

/**
 * Text output of one report: each issue as `file: path: message` on stdout, a file-level error as
 * `file: message` on stderr, and `file: ok (Name)` for a valid file.
 */
export function formatReportText(report: FileReport): { stdout: string[]; stderr: string[] } {
  const name = displayName(report.file);
  if (report.error !== undefined) return { stdout: [], stderr: [`${name}: ${report.error.message}`] };
  if (report.valid) return { stdout: [`${name}: ok (${report.schema})`], stderr: [] };
  return { stdout: report.issues.map((issue) => `${name}: ${issue.path}: ${issue.message}`), stderr: [] };
}

/** The `--json` document for a whole run: `{"files":[...]}`, 2-space indented. */
export function formatReportsJson(reports: readonly FileReport[]): string {
  return `${JSON.stringify({ files: reports }, null, 2)}\n`;
}

/** The exit status for a set of reports: 2 if any file could not be validated, else 1 if any is invalid, else 0. */
export function exitStatusOf(reports: readonly FileReport[]): number {
  if (reports.some((r) => r.error !== undefined)) return 2;
  return reports.some((r) => !r.valid) ? 1 : 0;
}
