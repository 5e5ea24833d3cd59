import { HcsError } from '../errors';

/** Who an error is about: the compute system id and, for processes, the pid. */
export interface ErrorIdentity {
  id?: string;
  pid?: number;
}

function head(operation: string, who: ErrorIdentity): string {
  let text = operation;
  if (who.id !== undefined) text += ` ${who.id}`;
  if (who.pid !== undefined) text += who.id !== undefined ? `:${who.pid}` : ` pid ${who.pid}`;
  return text;
}

/** `ERR_HCS_ALREADY_CLOSED`: the call was made on (or outlived) a closed handle; nothing reached vmcompute. */
export function alreadyClosedError(operation: string, who: ErrorIdentity): HcsError {
  return new HcsError({
    code: 'ERR_HCS_ALREADY_CLOSED',
    message: `${head(operation, who)}: the handle has already been closed`,
    operation,
    ...who,
  });
}

/** `ERR_HCS_SERVICE_DISCONNECT`: vmcompute sent ServiceDisconnect, so nothing on this handle can complete. */
export function serviceDisconnectError(operation: string, who: ErrorIdentity): HcsError {
  return new HcsError({
    code: 'ERR_HCS_SERVICE_DISCONNECT',
    message: `${head(operation, who)}: lost communication with compute service`,
    operation,
    ...who,
  });
}

/** `ERR_HCS_TIMEOUT`: our wait gave up; the operation itself may still complete later. */
export function timeoutError(operation: string, who: ErrorIdentity, ms: number): HcsError {
  return new HcsError({
    code: 'ERR_HCS_TIMEOUT',
    message: `${head(operation, who)}: timeout waiting for notification after ${ms} ms`,
    operation,
    ...who,
  });
}

/** `ERR_HCS_UNEXPECTED_EXIT`: the system exited while an operation was waiting for its completion. */
export function unexpectedExitError(operation: string, who: ErrorIdentity): HcsError {
  return new HcsError({
    code: 'ERR_HCS_UNEXPECTED_EXIT',
    message: `${head(operation, who)}: unexpected container exit`,
    operation,
    ...who,
  });
}

/** `ERR_HCS_INVALID_PROCESS_STATE`: e.g. asking for an exit code before the process exited. */
export function invalidProcessStateError(operation: string, who: ErrorIdentity): HcsError {
  return new HcsError({
    code: 'ERR_HCS_INVALID_PROCESS_STATE',
    message: `${head(operation, who)}: the process is in an invalid state for the attempted operation`,
    operation,
    ...who,
  });
}

/** `ERR_HCS_CALL` for a value HCS should not have returned (e.g. a NULL properties document on success). */
export function unexpectedValueError(operation: string, who: ErrorIdentity, detail: string, cause?: unknown): HcsError {
  return new HcsError({
    code: 'ERR_HCS_CALL',
    message: `${head(operation, who)}: unexpected value returned from hcs: ${detail}`,
    operation,
    ...who,
    cause,
  });
}

/**
 * Decodes a document HCS returned with `decode`; a failure to decode (e.g. the `JsonTextError` of text that is not
 * JSON) becomes an `ERR_HCS_CALL` `HcsError` for `operation`, with the decoder's error as `cause`, so that every
 * error the API rejects with is an `HcsError`. The message names the position, never quotes the document.
 */
export function decodeDocument<T>(operation: string, who: ErrorIdentity, what: string, decode: (text: string) => T, text: string): T {
  try {
    return decode(text);
  } catch (err) {
    if (err instanceof HcsError) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw unexpectedValueError(operation, who, `the ${what} could not be decoded: ${reason}`, err);
  }
}
