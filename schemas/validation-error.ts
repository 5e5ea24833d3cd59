/** One validation problem: where (`Layers[1].ID`, `Environment.PATH`, `ConsoleSize[0]`, `(root)`) and what. */
export interface ValidationIssue {
  /** The location in the document, JavaScript accessor style; `(root)` for the document itself. */
  path: string;
  /** A plain-language description. Never contains the offending value. */
  message: string;
}

/**
 * Thrown by the `encode*` functions when a document does not validate, before anything is sent to HCS. Carries
 * every problem at once. Neither the message nor `issues` ever contain values from the document (credentials and
 * environment values are secrets), only paths, key names and expectations.
 */
export class HcsValidationError extends Error {
  /** Stable machine-readable code, shared with `HcsError` codes. */
  readonly code = 'ERR_HCS_INVALID_CONFIG' as const;
  /** Every problem found, in document order. */
  readonly issues: ValidationIssue[];
  /** The document type that failed, e.g. `ProcessConfig`. */
  readonly document: string;

  /**
   * @param document - the document type name, e.g. `ContainerConfig`
   * @param issues - the problems; at least one
   */
  constructor(document: string, issues: ValidationIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
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
