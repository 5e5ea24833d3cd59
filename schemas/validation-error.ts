import { MAX_LISTED_ISSUES } from './limits';

/** One validation problem: where (`Layers[1].ID`, `Environment.PATH`, `ConsoleSize[0]`, `(root)`) and what. */
export interface ValidationIssue {
  /** The location in the document, JavaScript accessor style; `(root)` for the document itself. */
  path: string;
  /** A plain-language description. Never contains the offending value. */
  message: string;
  /**
   * Only on the note that ends a list cut short (the first 20 problems are listed): how many more problems were
   * found and not listed. That entry is a count, not a problem of its own; its path is `(root)` and its message
   * says `and N more problems`.
   */
  omitted?: number;
}

/**
 * The note that ends a list cut short at `MAX_LISTED_ISSUES` (limits.ts): at `(root)`, saying how many problems
 * were left out (`and 16364 more problems`), with the count as data in `omitted` (it survives JSON and copies).
 */
export function moreProblemsIssue(count: number): ValidationIssue {
  return { path: '(root)', message: `and ${count} more ${count === 1 ? 'problem' : 'problems'}`, omitted: count };
}

/**
 * `issues` with at most `MAX_LISTED_ISSUES` problems listed: those past them (and any note's count) folded into one
 * {@link moreProblemsIssue} at the end. A list already that short is returned as it is.
 */
function listAtMost(issues: ValidationIssue[]): ValidationIssue[] {
  if (issues.length <= MAX_LISTED_ISSUES) return issues;
  const listed: ValidationIssue[] = [];
  let more = 0;
  for (const issue of issues) {
    if (typeof issue.omitted === 'number') more += issue.omitted;
    else if (listed.length < MAX_LISTED_ISSUES) listed.push(issue);
    else more++;
  }
  if (more > 0) listed.push(moreProblemsIssue(more));
  return listed;
}

/** How many problems `issues` stands for: one per issue, a note ({@link ValidationIssue.omitted}) its count. */
export function problemCount(issues: readonly ValidationIssue[]): number {
  let count = 0;
  for (const issue of issues) count += typeof issue.omitted === 'number' ? issue.omitted : 1;
  return count;
}

/**
 * Thrown by the `encode*` functions when a document does not validate, before anything is sent to HCS. Carries the
 * problems found: all of them, or when there are more than 20 the first 20 and a last issue at `(root)` saying how
 * many more there are (`and 16364 more problems`); the header counts them all. Neither the message nor `issues` ever
 * contain values from the document (credentials and environment values are secrets), only paths, key names and
 * expectations.
 */
export class HcsValidationError extends Error {
  /** Stable machine-readable code, shared with `HcsError` codes. */
  readonly code = 'ERR_HCS_INVALID_CONFIG' as const;
  /** The problems found, in document order (at most 20, then a note whose `omitted` counts the rest). */
  readonly issues: ValidationIssue[];
  /** The document type that failed, e.g. `ProcessConfig`. */
  readonly document: string;

  /**
   * @param document - the document type name, e.g. `ContainerConfig`
   * @param issues - the problems; at least one. Past 20, the rest are counted in a note (see `issues`).
   */
  constructor(document: string, issues: ValidationIssue[]) {
    const total = problemCount(issues);
    issues = listAtMost(issues);
    const count = total === 1 ? '1 problem' : `${total} problems`;
    const lines = issues.map((issue) => `  - ${issue.path}: ${issue.message}`);
    super([`Invalid ${document} (${count}):`, ...lines].join('\n'));
    this.issues = issues;
    this.document = document;
  }
}

// On the prototype rather than as an instance field, so the stack trace header (captured inside the Error
// constructor, before field initialisers run) already says HcsValidationError.
Object.defineProperty(HcsValidationError.prototype, 'name', {
  value: 'HcsValidationError',
  writable: true,
  configurable: true,
  enumerable: false,
});
