/**
 * What one benchmark reports: the numbers for the JSON summary and rows for the human-readable table.
 */
export interface BenchRow {
  /** What was measured, e.g. "notify: exit -> wait() (us)". */
  metric: string;
  /** The binding's median (or the single figure). */
  median: number;
  /** The binding's p99, when the benchmark has a distribution. */
  p99?: number;
  /** The reference figure (koffi floor, C client, child_process, idle baseline...). */
  reference?: number;
  /** What the reference is. */
  referenceName?: string;
  /** The ratio that the target is stated in (binding/reference or reference/binding, as the target reads). */
  ratio?: number;
  /** The target, in words, e.g. "<= 1.5x". */
  target?: string;
  /** Whether the target was met, when there is one. */
  met?: boolean;
}

/** A benchmark's full outcome. */
export interface BenchResult {
  /** The key in the summary JSON (notify, lifecycle, stdio, eventLoop, scale, encode, importMs). */
  name: string;
  /** The fields of the summary JSON under `name`. */
  summary: Record<string, number>;
  /** Rows for the table. */
  rows: BenchRow[];
  /** Extra facts worth printing (sizes, notes on what was measured). */
  notes?: string[];
}

/** The line prefix a benchmark child process uses to hand its result to the runner. */
export const resultPrefix = 'BENCH-RESULT ';

function fmt(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '-';
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Renders results as a fixed-width text table. */
export function renderTable(results: readonly BenchResult[]): string {
  const header = ['metric', 'median', 'p99', 'reference', 'ref value', 'ratio', 'target', 'met'];
  const lines: string[][] = [header];
  for (const result of results) {
    for (const row of result.rows) {
      lines.push([
        row.metric,
        fmt(row.median),
        fmt(row.p99),
        row.referenceName ?? '-',
        fmt(row.reference),
        row.ratio === undefined ? '-' : `${fmt(row.ratio)}x`,
        row.target ?? '-',
        row.met === undefined ? '-' : row.met ? 'yes' : 'NO',
      ]);
    }
  }
  const widths = header.map((_, col) => Math.max(...lines.map((line) => line[col]!.length)));
  const out = lines.map((line) =>
    line.map((cell, col) => (col === 0 || col === 3 || col === 6 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '),
  );
  out.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const notes = results.flatMap((r) => (r.notes ?? []).map((n) => `  ${r.name}: ${n}`));
  return [...out, ...(notes.length ? ['', 'notes:', ...notes] : [])].join('\n');
}
