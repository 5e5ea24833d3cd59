import { GoFields, INT32_MAX, INT32_MIN, UINT32_MAX } from './go-fields';
import { parseJsonDocument } from './json-text';

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
  if (typeof text === 'string') value = text.trim() === '' ? undefined : parseJsonDocument(text);
  const fields = new GoFields(value, FIELD_NAMES);
  return {
    ProcessId: fields.uint('ProcessId', UINT32_MAX),
    Exited: fields.bool('Exited'),
    ExitCode: fields.int('ExitCode', INT32_MIN, UINT32_MAX) >>> 0,
    LastWaitResult: fields.int('LastWaitResult', INT32_MIN, UINT32_MAX) | 0,
  };
}
