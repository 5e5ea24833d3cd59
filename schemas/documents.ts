import type * as z from 'zod';
import { ContainerConfigSchema } from './container-config';
import { errorMap, toValidationIssues } from './issues';
import { ProcessConfigSchema } from './process-config';
import { ComputeSystemQuerySchema, PropertyQuerySchema } from './queries';
import {
  ProcessModifyRequestSchema,
  ResourceModificationRequestResponseSchema,
  SignalProcessRequestSchema,
} from './requests';
import type { ValidationIssue } from './validation-error';

/** The input documents this package validates and encodes. */
export type DocumentKind = 'container' | 'process' | 'query' | 'property-query' | 'modify' | 'process-modify' | 'signal';

/** A document kind's display name (the hcsshim type name) and its zod schema. */
export interface DocumentSchema {
  /** e.g. `ContainerConfig`. */
  name: string;
  /** The zod schema of the document. */
  schema: z.ZodType;
}

/** Every input document kind with its type name and schema (used by the CLI and the JSON Schema generator). */
export const documentSchemas: Record<DocumentKind, DocumentSchema> = {
  container: { name: 'ContainerConfig', schema: ContainerConfigSchema },
  process: { name: 'ProcessConfig', schema: ProcessConfigSchema },
  query: { name: 'ComputeSystemQuery', schema: ComputeSystemQuerySchema },
  'property-query': { name: 'PropertyQuery', schema: PropertyQuerySchema },
  modify: { name: 'ResourceModificationRequestResponse', schema: ResourceModificationRequestResponseSchema },
  'process-modify': { name: 'ProcessModifyRequest', schema: ProcessModifyRequestSchema },
  signal: { name: 'SignalProcessRequest', schema: SignalProcessRequestSchema },
};

/**
 * Checks zod cannot make: `z.record` silently drops an own `__proto__` key (as `JSON.parse` creates for
 * `{"__proto__": ...}`) without validating its value, yet the encoder would send it. Such a name is refused.
 */
function environmentProtoCheck(value: unknown): ValidationIssue[] {
  if (typeof value !== 'object' || value === null) return [];
  const env = (value as { Environment?: unknown }).Environment;
  if (typeof env !== 'object' || env === null || !Object.prototype.hasOwnProperty.call(env, '__proto__')) return [];
  return [{ path: 'Environment["__proto__"]', message: 'environment variable name "__proto__" is not supported' }];
}

const EXTRA_CHECKS: Partial<Record<DocumentKind, (value: unknown) => ValidationIssue[]>> = {
  process: environmentProtoCheck,
};

/** The outcome of {@link parseDocument}: zod's validated copy of the document, or the problems found. */
export type ParsedDocument = { ok: true; data: unknown } | { ok: false; issues: ValidationIssue[] };

/**
 * The kind of a built-in object that zod's object schemas would take as an empty document (`Map`, `Date`, `Set`,
 * ...), or undefined. Why refused: `getContainers(new Map([['Ids', [...]]]))` read as the empty query lists every
 * compute system on the host, not the ones meant. Objects of a class (getters included) are read as documents.
 */
function builtInKind(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === 'Object' ? undefined : tag;
}

/**
 * Validates a document and returns zod's validated copy of it (defaults applied) or every problem found. Never
 * throws: an input that cannot even be inspected (a throwing getter, a revoked proxy) is reported as a problem at
 * `(root)`. Messages never contain values from the document.
 */
export function parseDocument(kind: DocumentKind, value: unknown): ParsedDocument {
  const entry = documentSchemas[kind];
  if (entry === undefined) return { ok: false, issues: [{ path: '(root)', message: 'unknown document kind' }] };
  try {
    const builtIn = builtInKind(value);
    if (builtIn !== undefined) return { ok: false, issues: [{ path: '(root)', message: `must be a plain object, got a ${builtIn}` }] };
    // The fast path parses without the custom error map (passing per-parse options costs more than half the
    // throughput); only a failing document is parsed again to build the messages.
    const fast = entry.schema.safeParse(value);
    const extra = EXTRA_CHECKS[kind]?.(value) ?? [];
    let issues = extra;
    if (!fast.success) {
      const result = entry.schema.safeParse(value, { error: errorMap });
      issues = result.success
        ? [{ path: '(root)', message: 'the document changed while it was being validated' }, ...extra]
        : toValidationIssues(result.error.issues, extra);
    }
    return issues.length === 0 ? { ok: true, data: fast.data } : { ok: false, issues };
  } catch (err) {
    const what = err instanceof RangeError ? 'is nested too deeply' : 'could not be read (accessing it threw an error)';
    return { ok: false, issues: [{ path: '(root)', message: `the document ${what}` }] };
  }
}

/**
 * Validates a document against the schema of `kind` and returns every problem found (an empty array means valid).
 * Never throws: an input that cannot even be inspected (a throwing getter, a revoked proxy) is reported as a problem
 * at `(root)`. Messages never contain values from the document.
 */
export function validateDocument(kind: DocumentKind, value: unknown): ValidationIssue[] {
  const parsed = parseDocument(kind, value);
  return parsed.ok ? [] : parsed.issues;
}

const PROCESS_KEYS = [
  'commandline', 'commandargs', 'createstdinpipe', 'createstdoutpipe', 'createstderrpipe', 'applicationname',
  'workingdirectory', 'environment', 'emulateconsole', 'consolesize', 'createinutilityvm', 'ocispecification', 'user',
];
const CONTAINER_KEYS = [
  'layers', 'systemtype', 'hvpartition', 'name', 'layerfolderpath', 'volumepath', 'mappeddirectories', 'mappedpipes',
  'hvruntime', 'mappedvirtualdisks', 'endpointlist', 'hostname', 'owner', 'credentials', 'containertype',
  'processorcount', 'processorweight', 'processormaximum', 'memorymaximuminmb', 'assigneddevices', 'servicing',
  'ignoreflushesduringboot', 'storagesandboxsize', 'storageiopsmaximum', 'storagebandwidthmaximum',
  'networksharedcontainername', 'allowunqualifieddnsquery', 'dnssearchlist', 'terminateonlasthandleclosed',
];
const QUERY_KEYS = ['ids', 'names', 'owners', 'types'];

/**
 * Guesses the document kind from its keys (compared case-insensitively, so a misspelt-case key still points at the
 * right schema, whose validation then names the correct spelling). `Operation`, `Signal`, `ResourceType` and
 * `PropertyTypes` decide alone; otherwise the kind among process, query and container sharing the most keys wins
 * (ties in that order). Returns `undefined` for a non-object or when nothing matches.
 */
export function inferDocumentKind(value: unknown): DocumentKind | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const keys = new Set(Object.keys(value).map((k) => k.toLowerCase()));
  if (keys.has('operation')) return 'process-modify';
  if (keys.has('signal')) return 'signal';
  if (keys.has('resourcetype')) return 'modify';
  if (keys.has('propertytypes')) return 'property-query';
  const score = (known: readonly string[]): number => known.reduce((n, k) => n + (keys.has(k) ? 1 : 0), 0);
  const candidates: [DocumentKind, number][] = [
    ['process', score(PROCESS_KEYS)],
    ['query', score(QUERY_KEYS)],
    ['container', score(CONTAINER_KEYS)],
  ];
  let best: [DocumentKind, number] = ['process', 0];
  for (const candidate of candidates) if (candidate[1] > best[1]) best = candidate;
  return best[1] > 0 ? best[0] : undefined;
}
