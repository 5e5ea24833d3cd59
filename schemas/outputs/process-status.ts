import { GoFields, INT32_MIN, UINT32_MAX } from './go-fields';
import { parseJsonDocument } from './json-text';
import { compactProcessStatus } from './process-status-compact';

/**
 * The state of a process: the output of `HcsGetProcessProperties` (hcsshim's `ProcessStatus`; per Microsoft's C#
 * wrapper also the data of the ProcessExited notification).
 */
export interface ProcessStatus {
  /** Go uint32. */
  ProcessId: number;
  Exited: boolean;
  /**
   * The exit code as an unsigned 32-bit number (a crash shows as e.g. 0xC0000005 = 3221225477). A negative int32
   * (how some writers print NTSTATUS values) is converted to the same unsigned value.
   */
  ExitCode: number;
  /** The HRESULT of the last wait (Go int32; an unsigned value above 2^31 - 1 is converted to the signed one). */
  LastWaitResult: number;
}

const FIELD_NAMES: ReadonlySet<string> = new Set(['ProcessId', 'Exited', 'ExitCode', 'LastWaitResult']);

/**
 * Decodes a `ProcessStatus` document: JSON text or an already-parsed value. Empty text, `null` and `undefined` give
 * all-zero fields, as does well-formed JSON of the wrong shape. Throws a `JsonTextError` (line and column) only for
 * text that is not valid JSON.
 */
export function decodeProcessStatus(text: unknown): ProcessStatus {
  let value: unknown = text;
  if (typeof text === 'string') {
    const compact = compactProcessStatus(text);
    if (compact) return compact;
    value = text.trim() === '' ? undefined : parseJsonDocument(text);
  }
  return exactProcessStatus(value) ?? decodeFields(value);
}

/**
 * The usual document, read directly: an object whose keys are all spelled exactly as the four fields, each present
 * with a value of its Go type and range. Anything else (`undefined`) takes the general Go-rules path, which gives the
 * same result for this shape. Why a separate path: this decodes the ProcessExited data on the way to
 * `process.wait()`, where every step costs latency (issue #6 notify).
 */
function exactProcessStatus(value: unknown): ProcessStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const object = value as Record<string, unknown>;
  for (const key in object) if (!FIELD_NAMES.has(key)) return undefined;
  const { ProcessId, Exited, ExitCode, LastWaitResult } = object;
  if (typeof Exited !== 'boolean' || !inRange(ProcessId, 0, UINT32_MAX)) return undefined;
  if (!inRange(ExitCode, INT32_MIN, UINT32_MAX) || !inRange(LastWaitResult, INT32_MIN, UINT32_MAX)) return undefined;
  return { ProcessId, Exited, ExitCode: ExitCode >>> 0, LastWaitResult: LastWaitResult | 0 };
}

function inRange(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function decodeFields(value: unknown): ProcessStatus {
  const fields = new GoFields(value, FIELD_NAMES);
  return {
    ProcessId: fields.uint('ProcessId', UINT32_MAX),
    Exited: fields.bool('Exited'),
    ExitCode: fields.int('ExitCode', INT32_MIN, UINT32_MAX) >>> 0,
    LastWaitResult: fields.int('LastWaitResult', INT32_MIN, UINT32_MAX) | 0,
  };
}
