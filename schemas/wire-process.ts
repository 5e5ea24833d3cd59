import { goJsonValue, goQuote, goStringArray, goStringMap } from './go-json';
import type { ProcessConfig } from './process-config';
import type { ComputeSystemQuery, PropertyQuery } from './queries';
import type { ProcessModifyRequest, ResourceModificationRequestResponse, SignalProcessRequest } from './requests';

// Hand-written serialisers for the validated process and request documents; keys in Go struct declaration order.

/**
 * `schema1.ProcessConfig`: everything omitempty except `ConsoleSize`, a Go `[2]uint` array, which omitempty never
 * omits (only zero-length arrays are "empty"), so it is `[0,0]` when unset. `Environment` keys are sorted as Go
 * sorts map keys. `OCISpecification` (a `*json.RawMessage`) is embedded as compact JSON.
 */
export function writeProcessConfig(p: ProcessConfig): string {
  let s = '';
  if (p.ApplicationName) s += ',"ApplicationName":' + goQuote(p.ApplicationName);
  if (p.CommandLine) s += ',"CommandLine":' + goQuote(p.CommandLine);
  if (p.CommandArgs && p.CommandArgs.length > 0) s += ',"CommandArgs":' + goStringArray(p.CommandArgs);
  if (p.User) s += ',"User":' + goQuote(p.User);
  if (p.WorkingDirectory) s += ',"WorkingDirectory":' + goQuote(p.WorkingDirectory);
  if (p.Environment && Object.keys(p.Environment).length > 0) s += ',"Environment":' + goStringMap(p.Environment);
  if (p.EmulateConsole === true) s += ',"EmulateConsole":true';
  if (p.CreateStdInPipe === true) s += ',"CreateStdInPipe":true';
  if (p.CreateStdOutPipe === true) s += ',"CreateStdOutPipe":true';
  if (p.CreateStdErrPipe === true) s += ',"CreateStdErrPipe":true';
  const size = p.ConsoleSize;
  s += size ? `,"ConsoleSize":[${String(size[0])},${String(size[1])}]` : ',"ConsoleSize":[0,0]';
  if (p.CreateInUtilityVm === true) s += ',"CreateInUtilityVm":true';
  if (p.OCISpecification != null) s += ',"OCISpecification":' + goJsonValue(p.OCISpecification);
  return '{' + s.slice(1) + '}';
}

function optionalList(key: string, items: readonly string[] | null | undefined): string {
  return items && items.length > 0 ? `,"${key}":${goStringArray(items)}` : '';
}

/** `schema1.ComputeSystemQuery`: all four lists omitempty, the IDs under the tag `Ids`; `{}` matches everything. */
export function writeComputeSystemQuery(q: ComputeSystemQuery): string {
  const body =
    optionalList('Ids', q.Ids) + optionalList('Types', q.Types) + optionalList('Names', q.Names) + optionalList('Owners', q.Owners);
  return '{' + body.slice(1) + '}';
}

/** `schema1.PropertyQuery`: `PropertyTypes` omitempty. */
export function writePropertyQuery(q: PropertyQuery): string {
  return '{' + optionalList('PropertyTypes', q.PropertyTypes).slice(1) + '}';
}

/**
 * `ResourceModificationRequestResponse`: `ResourceType` and `Settings` (a Go `interface{}`, `null` when nil) always
 * present, `RequestType` omitempty. A `Settings` object keeps the caller's key order.
 */
export function writeResourceModificationRequest(r: ResourceModificationRequestResponse): string {
  return (
    `{"ResourceType":${goQuote(r.ResourceType)},"Settings":${goJsonValue(r.Settings ?? null)}` +
    (r.RequestType ? `,"RequestType":${goQuote(r.RequestType)}` : '') +
    '}'
  );
}

/**
 * hcsshim's legacy `processModifyRequest`: `Operation` then the one payload pointer that is set. The legacy
 * `consoleSize` struct has no omitempty, so both dimensions are always written.
 */
export function writeProcessModifyRequest(r: ProcessModifyRequest): string {
  if (r.Operation === 'ConsoleSize') {
    const { Height, Width } = r.ConsoleSize;
    return `{"Operation":"ConsoleSize","ConsoleSize":{"Height":${String(Height)},"Width":${String(Width)}}}`;
  }
  return `{"Operation":"CloseHandle","CloseHandle":{"Handle":${goQuote(r.CloseHandle.Handle)}}}`;
}

/** The signal options: `Signal` is omitempty, so the Linux signal number 0 gives `{}`. */
export function writeSignalRequest(r: SignalProcessRequest): string {
  const signal = r.Signal;
  if (typeof signal === 'string') return `{"Signal":${goQuote(signal)}}`;
  return signal ? `{"Signal":${String(signal)}}` : '{}';
}
