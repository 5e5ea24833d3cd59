import { GoFields, INT32_MIN, UINT16_MAX, UINT32_MAX } from './go-fields';

/** One event of an HCS result document (`ErrorEvents[]`); hcsshim's `ErrorEvent`. */
export interface ErrorEvent {
  /** The event's message text. */
  Message: string;
  /** Stack trace text, when HCS includes one. */
  StackTrace: string;
  /** The event provider (usually a GUID string). */
  Provider: string;
  /** Event id (Go uint16). */
  EventId: number;
  /** Event flags (Go uint32). */
  Flags: number;
  /** The component that raised the event. */
  Source: string;
}

/**
 * The "result" document most vmcompute.dll exports return through their last `PWSTR*` output (hcsshim's
 * `hcsResult`). The per-event `Data` array HCS also sends is ignored, as hcsshim does.
 */
export interface ResultDocument {
  /**
   * The HRESULT, as an unsigned 32-bit number (HCS writes it as a signed int32, e.g. -2147024883 for 0x8007000D);
   * absent when the document has no integer `Error` in int32 or uint32 range.
   */
  Error?: number;
  /** The error message, when present. */
  ErrorMessage?: string;
  /** The error events; `[]` when there are none. Entries that are not JSON objects are dropped. */
  ErrorEvents: ErrorEvent[];
}

/**
 * Decodes a result document. Returns `undefined` for `null`, `undefined`, empty or whitespace-only text, text that
 * is not valid JSON, and JSON that is not an object (hcsshim logs and ignores such results); never throws.
 * Keys match case-insensitively and unknown keys are ignored, as in Go's `encoding/json`.
 */
export function decodeResultDocument(text: string | null | undefined): ResultDocument | undefined {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = new GoFields(parsed);
  const document: ResultDocument = { ErrorEvents: decodeErrorEvents(fields.array('ErrorEvents')) };
  const hresult = fields.optionalInt('Error', INT32_MIN, UINT32_MAX);
  if (hresult !== undefined) document.Error = hresult >>> 0;
  const message = fields.optionalString('ErrorMessage');
  if (message !== undefined) document.ErrorMessage = message;
  return document;
}

/** Decodes one `ErrorEvents[]` entry; anything that is not an object gives all-zero fields. */
export function decodeErrorEvent(value: unknown): ErrorEvent {
  const fields = new GoFields(value);
  return {
    Message: fields.string('Message'),
    StackTrace: fields.string('StackTrace'),
    Provider: fields.string('Provider'),
    EventId: fields.uint('EventId', UINT16_MAX),
    Flags: fields.uint('Flags', UINT32_MAX),
    Source: fields.string('Source'),
  };
}

function decodeErrorEvents(list: unknown[] | undefined): ErrorEvent[] {
  if (list === undefined) return [];
  return list.filter(isPlainObject).map(decodeErrorEvent);
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
