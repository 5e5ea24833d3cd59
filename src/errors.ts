/**
 * The binding's error type, its stable codes, HRESULT names and hcsshim's error predicates.
 *
 * A leaf module: it imports only the leaf `redact-secrets` from the rest of `src/`, so every layer can use it. It
 * re-exports the schema layer's validation error so that all error types are reachable from one place.
 */
import { redactSecrets } from './redact-secrets';

export { HcsValidationError, type ValidationIssue } from '../schemas/validation-error';

/** The stable `code` of every {@link HcsError}. */
export type HcsErrorCode =
  | 'ERR_HCS_TIMEOUT'
  | 'ERR_HCS_ALREADY_CLOSED'
  | 'ERR_HCS_NOT_FOUND'
  | 'ERR_HCS_ALREADY_STOPPED'
  | 'ERR_HCS_UNEXPECTED_EXIT'
  | 'ERR_HCS_SERVICE_DISCONNECT'
  | 'ERR_HCS_INVALID_PROCESS_STATE'
  | 'ERR_HCS_UNAVAILABLE'
  | 'ERR_HCS_INVALID_CONFIG'
  | 'ERR_HCS_CALL';

/** One entry of the `ErrorEvents` array of an HCS result document (hcsshim's `ErrorEvent`). */
export interface HcsErrorEvent {
  Message?: string;
  StackTrace?: string;
  Provider?: string;
  EventId?: number;
  Flags?: number;
  Source?: string;
}

/**
 * Named HRESULT values (unsigned) that the binding and its users compare against. The legacy vmcompute family uses
 * severity bits `0xC037xxxx`; the v2 SDK family `0x8037xxxx` has the same low bits for the same condition.
 */
export const HRESULT = {
  S_OK: 0x00000000,
  /** Legacy "operation continues asynchronously": wait for the completion notification. */
  OPERATION_PENDING: 0xc0370103,
  /** The v2 (computecore) pending value; not what vmcompute.dll returns, recognised by {@link isPending}. */
  OPERATION_PENDING_V2: 0x80370117,
  INVALID_STATE: 0xc0370105,
  UNEXPECTED_EXIT: 0xc0370106,
  CONNECTION_TIMEOUT: 0xc0370109,
  UNKNOWN_MESSAGE: 0xc037010b,
  INVALID_JSON: 0xc037010d,
  SYSTEM_NOT_FOUND: 0xc037010e,
  ALREADY_STOPPED: 0xc0370110,
  SYSTEM_ALREADY_STOPPED: 0x80370110,
  SERVICE_DISCONNECT: 0x8037011e,
  PROCESS_ALREADY_STOPPED: 0x8037011f,
  ELEMENT_NOT_FOUND: 0x80070490,
  PROC_NOT_FOUND: 0x8007007f,
  NOT_SUPPORTED: 0x80070032,
  INVALID_DATA: 0x8007000d,
  ACCESS_DENIED: 0x80070005,
  INVALID_HANDLE: 0x80070006,
  RPC_SERVER_UNAVAILABLE: 0x800706ba,
  E_ABORT: 0x80004004,
  E_FAIL: 0x80004005,
} as const;

interface HresultInfo {
  name: string;
  description: string;
  code?: HcsErrorCode;
}

// HCS codes (facility 0x37), keyed by their low 16 bits: 0xC037xxxx (legacy) and 0x8037xxxx (v2) share a name and a
// code. Names follow the Windows SDK `HCS_E_*` spelling; 0x0103 is the legacy pending value (v2 pending is 0x0117).
const HCS_FACILITY: ReadonlyMap<number, HresultInfo> = new Map<number, HresultInfo>([
  [0x0100, { name: 'HCS_E_TERMINATED_DURING_START', description: 'the compute system terminated while starting' }],
  [0x0101, { name: 'HCS_E_IMAGE_MISMATCH', description: 'the container image does not match the host operating system' }],
  [0x0102, { name: 'HCS_E_HYPERV_NOT_INSTALLED', description: 'Hyper-V is not installed on this host' }],
  [0x0103, { name: 'HCS_E_OPERATION_PENDING', description: 'the operation continues asynchronously' }],
  [0x0105, { name: 'HCS_E_INVALID_STATE', description: 'the compute system is not in a valid state for this request' }],
  [0x0106, { name: 'HCS_E_UNEXPECTED_EXIT', description: 'the compute system exited unexpectedly', code: 'ERR_HCS_UNEXPECTED_EXIT' }],
  [0x0107, { name: 'HCS_E_TERMINATED', description: 'the compute system was terminated' }],
  [0x0108, { name: 'HCS_E_CONNECT_FAILED', description: 'could not connect to the compute system' }],
  [0x0109, { name: 'HCS_E_CONNECTION_TIMEOUT', description: 'timed out connecting to the compute system', code: 'ERR_HCS_TIMEOUT' }],
  [0x010a, { name: 'HCS_E_CONNECTION_CLOSED', description: 'the connection to the compute system was closed' }],
  [0x010b, { name: 'HCS_E_UNKNOWN_MESSAGE', description: 'the compute system does not understand this request' }],
  [0x010c, { name: 'HCS_E_UNSUPPORTED_PROTOCOL_VERSION', description: 'the compute system speaks an unsupported protocol version' }],
  [0x010d, { name: 'HCS_E_INVALID_JSON', description: 'HCS rejected the JSON document' }],
  [0x010e, { name: 'HCS_E_SYSTEM_NOT_FOUND', description: 'the compute system does not exist', code: 'ERR_HCS_NOT_FOUND' }],
  [0x010f, { name: 'HCS_E_SYSTEM_ALREADY_EXISTS', description: 'a compute system with this id already exists' }],
  [0x0110, { name: 'HCS_E_SYSTEM_ALREADY_STOPPED', description: 'the compute system is already stopped', code: 'ERR_HCS_ALREADY_STOPPED' }],
  [0x0111, { name: 'HCS_E_PROTOCOL_ERROR', description: 'protocol error talking to the compute system' }],
  [0x0112, { name: 'HCS_E_INVALID_LAYER', description: 'a container layer is invalid' }],
  [0x0113, { name: 'HCS_E_WINDOWS_INSIDER_REQUIRED', description: 'this feature needs a Windows Insider build' }],
  [0x0114, { name: 'HCS_E_SERVICE_NOT_AVAILABLE', description: 'the compute service is not available' }],
  [0x0115, { name: 'HCS_E_OPERATION_NOT_STARTED', description: 'the operation has not started' }],
  [0x0116, { name: 'HCS_E_OPERATION_ALREADY_STARTED', description: 'the operation has already started' }],
  [0x0117, { name: 'HCS_E_OPERATION_PENDING', description: 'the operation continues asynchronously' }],
  [0x0118, { name: 'HCS_E_OPERATION_TIMEOUT', description: 'the operation timed out inside HCS' }],
  [0x0119, { name: 'HCS_E_OPERATION_SYSTEM_CALLBACK_ALREADY_SET', description: 'a callback is already registered' }],
  [0x011a, { name: 'HCS_E_OPERATION_RESULT_ALLOCATION_FAILED', description: 'HCS could not allocate the result' }],
  [0x011b, { name: 'HCS_E_ACCESS_DENIED', description: 'HCS denied access' }],
  [0x011c, { name: 'HCS_E_GUEST_CRITICAL_ERROR', description: 'the guest reported a critical error' }],
  [0x011d, { name: 'HCS_E_PROCESS_INFO_NOT_AVAILABLE', description: 'process information is not available' }],
  [0x011e, { name: 'HCS_E_SERVICE_DISCONNECT', description: 'lost communication with the compute service', code: 'ERR_HCS_SERVICE_DISCONNECT' }],
  [0x011f, { name: 'HCS_E_PROCESS_ALREADY_STOPPED', description: 'the process has already stopped', code: 'ERR_HCS_ALREADY_STOPPED' }],
  [0x0120, { name: 'HCS_E_SYSTEM_NOT_CONFIGURED_FOR_OPERATION', description: 'the compute system is not configured for this operation' }],
  [0x0121, { name: 'HCS_E_OPERATION_ALREADY_CANCELLED', description: 'the operation was already cancelled' }],
]);

// Other HRESULTs met at the vmcompute boundary, by full unsigned value.
const OTHER: ReadonlyMap<number, HresultInfo> = new Map<number, HresultInfo>([
  [0x80004001, { name: 'E_NOTIMPL', description: 'not implemented' }],
  [0x80004004, { name: 'E_ABORT', description: 'the operation was aborted' }],
  [0x80004005, { name: 'E_FAIL', description: 'unspecified failure' }],
  [0x80070002, { name: 'ERROR_FILE_NOT_FOUND', description: 'a file was not found' }],
  [0x80070003, { name: 'ERROR_PATH_NOT_FOUND', description: 'a path was not found' }],
  [0x80070005, { name: 'E_ACCESSDENIED', description: 'access is denied' }],
  [0x80070006, { name: 'E_HANDLE', description: 'the handle is invalid' }],
  [0x8007000d, { name: 'ERROR_INVALID_DATA', description: 'the request is invalid or unsupported' }],
  [0x8007000e, { name: 'E_OUTOFMEMORY', description: 'out of memory' }],
  [0x80070032, { name: 'ERROR_NOT_SUPPORTED', description: 'the request is not supported' }],
  [0x80070057, { name: 'E_INVALIDARG', description: 'an argument is invalid' }],
  [0x8007007f, { name: 'ERROR_PROC_NOT_FOUND', description: 'the library does not export this function' }],
  [0x80070102, { name: 'WAIT_TIMEOUT', description: 'the wait timed out' }],
  [0x800700b7, { name: 'ERROR_ALREADY_EXISTS', description: 'the object already exists' }],
  [0x80070490, { name: 'ERROR_NOT_FOUND', description: 'the object was not found', code: 'ERR_HCS_NOT_FOUND' }],
  [0x800706ba, { name: 'RPC_S_SERVER_UNAVAILABLE', description: 'the compute service is unavailable (RPC server unavailable)', code: 'ERR_HCS_SERVICE_DISCONNECT' }],
  [0x800706be, { name: 'RPC_S_CALL_FAILED', description: 'the remote procedure call to the compute service failed' }],
]);

function infoFor(hr: number): HresultInfo | undefined {
  const u = hr >>> 0;
  const high = (u >>> 16) & 0xffff;
  if (high === 0xc037 || high === 0x8037) return HCS_FACILITY.get(u & 0xffff);
  return OTHER.get(u);
}

/** Formats an HRESULT as `0xC0370109` (unsigned, 8 upper-case hex digits). */
export function formatHresult(hr: number): string {
  return '0x' + (hr >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/**
 * The symbolic name of an HRESULT, e.g. `'HCS_E_CONNECTION_TIMEOUT'` for both `0xC0370109` (legacy) and
 * `0x80370109` (v2); `undefined` when the value is not one the binding knows.
 */
export function hresultName(hr: number): string | undefined {
  return infoFor(hr)?.name;
}

/**
 * hcsshim's HRESULT-to-error conversion (reference 1.4): an HRESULT whose facility is FACILITY_WIN32 (7, whatever
 * the severity bits) becomes the bare Win32 code (`0x80070490` → `0x490`); any other value is returned unchanged
 * (unsigned).
 */
export function win32FromHresult(hr: number): number {
  const u = hr >>> 0;
  return (u & 0x1fff0000) === 0x00070000 ? u & 0xffff : u;
}

/** The {@link HcsErrorCode} for a failed HRESULT: both HCS families map to the same code; unknown → `ERR_HCS_CALL`. */
export function codeForHresult(hr: number): HcsErrorCode {
  return infoFor(hr)?.code ?? 'ERR_HCS_CALL';
}

const DEFAULT_DESCRIPTIONS: Record<HcsErrorCode, string> = {
  ERR_HCS_TIMEOUT: 'timed out waiting for HCS',
  ERR_HCS_ALREADY_CLOSED: 'the handle has already been closed',
  ERR_HCS_NOT_FOUND: 'the object was not found',
  ERR_HCS_ALREADY_STOPPED: 'already stopped',
  ERR_HCS_UNEXPECTED_EXIT: 'the compute system exited unexpectedly',
  ERR_HCS_SERVICE_DISCONNECT: 'lost communication with the compute service',
  ERR_HCS_INVALID_PROCESS_STATE: 'the process is in an invalid state for this operation',
  ERR_HCS_UNAVAILABLE: 'the Host Compute Service is not available',
  ERR_HCS_INVALID_CONFIG: 'the configuration is invalid',
  ERR_HCS_CALL: 'the HCS call failed',
};

/** A copy of `event` with secrets masked in each of its strings ({@link redactSecrets}). */
function redactEvent(event: HcsErrorEvent): HcsErrorEvent {
  const copy: HcsErrorEvent = { ...event };
  for (const key of ['Message', 'StackTrace', 'Provider', 'Source'] as const) {
    const value = copy[key];
    if (typeof value === 'string') copy[key] = redactSecrets(value);
  }
  return copy;
}

function eventLine(event: HcsErrorEvent): string {
  const details: string[] = [];
  if (event.Provider) details.push(`Provider ${event.Provider}`);
  if (event.EventId !== undefined && event.EventId !== 0) details.push(`EventId ${event.EventId}`);
  if (event.Source) details.push(`Source ${event.Source}`);
  const message = event.Message ?? '(no message)';
  return `  event: ${message}${details.length > 0 ? ` [${details.join(', ')}]` : ''}`;
}

/** Options of the {@link HcsError} constructor. */
export interface HcsErrorOptions {
  code: HcsErrorCode;
  /**
   * The first line of the message, used verbatim (callers that phrase their own sentence, naming the operation and
   * subject themselves). Without it the line is composed as `<operation> <id>[:<pid>]: <description>`, the
   * description being the HRESULT's, else the code's. Either way the HRESULT and the HCS event lines are appended.
   */
  message?: string;
  /** The HRESULT (normalised to unsigned). */
  hresult?: number;
  /**
   * What was being done, named as hcsshim names it: `'hcs::System::Start'`, `'hcs::Process::Kill'`,
   * `'hcs::OpenComputeSystem'`... (an export's own name, e.g. `'HcsRegisterProcessCallback'`, when loading it failed).
   */
  operation?: string;
  /** The compute system id. */
  id?: string;
  /** The process id, for process operations. */
  pid?: number;
  /** Parsed `ErrorEvents` of the HCS result document. */
  events?: HcsErrorEvent[];
  cause?: unknown;
  /** HCS's `ErrorMessage` from the result document, shown on its own line when it adds something. */
  errorMessage?: string;
}

/**
 * Every failure the binding reports. `message` reads
 * `<operation> <id>[:<pid>]: <description> (HRESULT 0xC0370109 HCS_E_CONNECTION_TIMEOUT)` followed by one line per
 * HCS event. Configuration documents, credentials and environment values never appear in it.
 *
 * @example
 * ```ts
 * try { await container.start(); } catch (e) { if (isHcsError(e) && e.code === 'ERR_HCS_TIMEOUT') retry(); }
 * ```
 */
export class HcsError extends Error {
  override readonly name = 'HcsError';
  /** Stable machine-readable code. */
  readonly code: HcsErrorCode;
  /** The HRESULT as an unsigned 32-bit number, when the failure came from one. */
  readonly hresult?: number;
  /** The HRESULT's symbolic name, e.g. `'HCS_E_SYSTEM_NOT_FOUND'`. */
  readonly hresultName?: string;
  /** The operation that failed, named as hcsshim names it: `'hcs::System::Start'`, `'hcs::Process::Kill'`... */
  readonly operation?: string;
  /** The compute system id. */
  readonly id?: string;
  /** The process id. */
  readonly pid?: number;
  /** Parsed `ErrorEvents` from HCS (empty when there were none). */
  readonly events: HcsErrorEvent[];
  /** HCS's own `ErrorMessage`, when the result document carried one. */
  readonly errorMessage?: string;

  constructor(opts: HcsErrorOptions) {
    const hresult = opts.hresult === undefined ? undefined : opts.hresult >>> 0;
    const info = hresult === undefined ? undefined : infoFor(hresult);
    // HCS may quote a request document back in any of these strings: secrets are masked before anything is kept.
    const events = (opts.events ?? []).map(redactEvent);
    const errorMessage = opts.errorMessage === undefined ? undefined : redactSecrets(opts.errorMessage);
    const description = info?.description ?? DEFAULT_DESCRIPTIONS[opts.code];

    let text: string;
    if (opts.message !== undefined) {
      text = opts.message;
    } else {
      let head = '';
      if (opts.operation) head = opts.operation;
      if (opts.id !== undefined) head += (head ? ' ' : '') + opts.id;
      if (opts.pid !== undefined) head += opts.id !== undefined ? `:${opts.pid}` : `${head ? ' ' : ''}pid ${opts.pid}`;
      text = head ? `${head}: ${description}` : description;
    }
    if (hresult !== undefined && !text.includes(formatHresult(hresult))) {
      text += ` (HRESULT ${formatHresult(hresult)}${info ? ' ' + info.name : ''})`;
    }
    const lines = [text];
    if (errorMessage && errorMessage.trim() !== '' && errorMessage.trim() !== description) {
      lines.push(`  detail: ${errorMessage.trim()}`);
    }
    for (const event of events) lines.push(eventLine(event));

    super(lines.join('\n'), opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = opts.code;
    if (hresult !== undefined) this.hresult = hresult;
    if (info) this.hresultName = info.name;
    if (opts.operation !== undefined) this.operation = opts.operation;
    if (opts.id !== undefined) this.id = opts.id;
    if (opts.pid !== undefined) this.pid = opts.pid;
    if (errorMessage !== undefined) this.errorMessage = errorMessage;
    this.events = events;
  }
}

function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function optionalNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Parses an HCS result document (`{"Error":..,"ErrorMessage":..,"ErrorEvents":[..]}`) tolerantly: anything that is
 * not such a document yields no message and no events, as hcsshim does (it only logs a warning).
 */
export function parseResultDocument(result: string | null | undefined): { errorMessage?: string; events: HcsErrorEvent[] } {
  if (!result) return { events: [] };
  let doc: unknown;
  try {
    doc = JSON.parse(result);
  } catch {
    return { events: [] };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { events: [] };
  const record = doc as Record<string, unknown>;
  const events: HcsErrorEvent[] = [];
  if (Array.isArray(record.ErrorEvents)) {
    for (const raw of record.ErrorEvents) {
      if (typeof raw !== 'object' || raw === null) continue;
      const e = raw as Record<string, unknown>;
      const event: HcsErrorEvent = {};
      const message = optionalString(e.Message);
      if (message !== undefined) event.Message = message;
      const stack = optionalString(e.StackTrace);
      if (stack !== undefined) event.StackTrace = stack;
      const provider = optionalString(e.Provider);
      if (provider !== undefined) event.Provider = provider;
      const eventId = optionalNumber(e.EventId);
      if (eventId !== undefined) event.EventId = eventId;
      const flags = optionalNumber(e.Flags);
      if (flags !== undefined) event.Flags = flags;
      const source = optionalString(e.Source);
      if (source !== undefined) event.Source = source;
      events.push(event);
    }
  }
  const errorMessage = optionalString(record.ErrorMessage);
  return errorMessage === undefined ? { events } : { errorMessage, events };
}

/**
 * Builds the {@link HcsError} for a failed HRESULT: code by {@link codeForHresult}, name, description, and the
 * `ErrorMessage`/`ErrorEvents` of the call's raw `result` document (tolerant of bad or missing JSON).
 */
export function hcsErrorFromHresult(
  hr: number,
  ctx: { operation: string; id?: string; pid?: number; result?: string | null; cause?: unknown },
): HcsError {
  const parsed = parseResultDocument(ctx.result);
  const opts: HcsErrorOptions = {
    code: codeForHresult(hr),
    hresult: hr,
    operation: ctx.operation,
    events: parsed.events,
  };
  if (ctx.id !== undefined) opts.id = ctx.id;
  if (ctx.pid !== undefined) opts.pid = ctx.pid;
  if (ctx.cause !== undefined) opts.cause = ctx.cause;
  if (parsed.errorMessage !== undefined) opts.errorMessage = parsed.errorMessage;
  return new HcsError(opts);
}

/**
 * Whether `e` is an {@link HcsError}. Also recognises one from another copy of this module (e.g. `dist/` and `src/`
 * loaded side by side) by its `name` and `code`.
 */
export function isHcsError(e: unknown): e is HcsError {
  if (e instanceof HcsError) return true;
  if (!(e instanceof Error) || e.name !== 'HcsError') return false;
  const code: unknown = (e as Error & { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_HCS_');
}

// Walks an error and its `cause` chain (hcsshim unwraps its ContainerError/ProcessError the same way), yielding the
// normalised HRESULT and code of each link. A bare number is taken as an HRESULT; a small positive number (a Win32
// code, as hcsshim's constants are after the facility-7 conversion) is widened back to its HRESULT.
function* links(e: unknown): Generator<{ hresult?: number; code?: string }> {
  let current: unknown = e;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    if (typeof current === 'number') {
      yield { hresult: widen(current) };
      return;
    }
    if (typeof current !== 'object') return;
    const record = current as { hresult?: unknown; code?: unknown; cause?: unknown };
    const link: { hresult?: number; code?: string } = {};
    if (typeof record.hresult === 'number') link.hresult = widen(record.hresult);
    if (typeof record.code === 'string') link.code = record.code;
    yield link;
    current = record.cause;
  }
}

function widen(n: number): number {
  if (!Number.isInteger(n)) return NaN;
  const u = n >>> 0;
  return u > 0 && u <= 0xffff ? (0x80070000 | u) >>> 0 : u;
}

// True when the low 16 bits match in either HCS family, or the full value matches for anything else.
function sameCondition(hr: number, known: number): boolean {
  const a = hr >>> 0;
  const b = known >>> 0;
  if (a === b) return true;
  const hcs = (v: number) => (v >>> 16 === 0xc037 || v >>> 16 === 0x8037);
  return hcs(a) && hcs(b) && (a & 0xffff) === (b & 0xffff);
}

function matches(e: unknown, codes: readonly HcsErrorCode[], hresults: readonly number[]): boolean {
  for (const link of links(e)) {
    if (link.code !== undefined && (codes as readonly string[]).includes(link.code)) return true;
    if (link.hresult !== undefined && hresults.some((known) => sameCondition(link.hresult as number, known))) return true;
  }
  return false;
}

/** hcsshim `IsNotExist`: the compute system or object does not exist (`HCS_E_SYSTEM_NOT_FOUND`, `ERROR_NOT_FOUND`). */
export function isNotExist(e: unknown): boolean {
  return matches(e, ['ERR_HCS_NOT_FOUND'], [HRESULT.SYSTEM_NOT_FOUND, HRESULT.ELEMENT_NOT_FOUND]);
}

/**
 * hcsshim `IsAlreadyStopped` (HEAD): the system or process is already stopped, including `ERROR_NOT_FOUND`, which
 * HCS returns for a process that already exited.
 */
export function isAlreadyStopped(e: unknown): boolean {
  return matches(
    e,
    ['ERR_HCS_ALREADY_STOPPED'],
    [HRESULT.ALREADY_STOPPED, HRESULT.PROCESS_ALREADY_STOPPED, HRESULT.ELEMENT_NOT_FOUND],
  );
}

/** hcsshim `IsPending`: the legacy pending HRESULT `0xC0370103` (and the v2 `0x80370117`). */
export function isPending(e: unknown): boolean {
  for (const link of links(e)) {
    if (link.hresult === HRESULT.OPERATION_PENDING || link.hresult === HRESULT.OPERATION_PENDING_V2) return true;
  }
  return false;
}

/** hcsshim `IsTimeout`: a wait or connection timed out (`ERR_HCS_TIMEOUT`, `HCS_E_CONNECTION_TIMEOUT`, `ETIMEDOUT`). */
export function isTimeout(e: unknown): boolean {
  for (const link of links(e)) if (link.code === 'ETIMEDOUT') return true;
  return matches(e, ['ERR_HCS_TIMEOUT'], [HRESULT.CONNECTION_TIMEOUT]);
}

/** hcsshim `IsAlreadyClosed`: the handle was closed by this process (`ERR_HCS_ALREADY_CLOSED`). */
export function isAlreadyClosed(e: unknown): boolean {
  return matches(e, ['ERR_HCS_ALREADY_CLOSED'], []);
}

/** hcsshim `IsNotSupported`: HCS or the guest did not understand the request (invalid JSON/data, unknown message). */
export function isNotSupported(e: unknown): boolean {
  return matches(e, [], [HRESULT.INVALID_JSON, HRESULT.INVALID_DATA, HRESULT.NOT_SUPPORTED, HRESULT.UNKNOWN_MESSAGE]);
}

/** hcsshim `IsOperationInvalidState`: the system is not in a valid state for the request (`HCS_E_INVALID_STATE`). */
export function isOperationInvalidState(e: unknown): boolean {
  return matches(e, [], [HRESULT.INVALID_STATE]);
}

/** hcsshim `IsAccessIsDenied`: `E_ACCESSDENIED` (Win32 `ERROR_ACCESS_DENIED`, facility 7). */
export function isAccessIsDenied(e: unknown): boolean {
  return matches(e, [], [HRESULT.ACCESS_DENIED]);
}
