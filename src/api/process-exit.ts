/**
 * How a process's exit is read: from the ProcessExited notification, from `HcsGetProcessProperties`, and after a
 * kill whose notification has not come. Every path gives `-1` with an error when the code is unknown, never a
 * made-up 0.
 */
import { type ProcessStatus, decodeProcessStatus } from '../../schemas';
import { HRESULT, HcsError, hcsErrorFromHresult, isAlreadyStopped } from '../errors';
import { decodeDocument, invalidProcessStateError, unexpectedValueError } from '../core/hcs-errors';
import { type InvokeTarget, failed, invoke } from '../core/invoke';
import type { NotificationOutcome } from '../core/notification-registry';
import type { RegisteredHandle } from '../core/registered-handle';
import type { HcsProcessHandle } from '../ffi/types';
import type { Runtime } from './runtime';

/**
 * Whether an HRESULT means "the process is already gone": kill and signal treat it as done. The HRESULTs of
 * `isAlreadyStopped` (hcsshim `IsAlreadyStopped`: already stopped, in either HCS family, or `ERROR_NOT_FOUND`).
 */
export function alreadyStopped(hr: number): boolean {
  return isAlreadyStopped({ hresult: hr });
}

/**
 * Whether an `HcsTerminateProcess` HRESULT means kill() is done: the process is gone, or (`ERROR_ACCESS_DENIED`) it
 * has terminated and only its handle is left, which is how `TerminateProcess` answers then (hcsshim does the same).
 */
export function killDone(hr: number): boolean {
  return alreadyStopped(hr) || hr >>> 0 === HRESULT.ACCESS_DENIED;
}

/**
 * How long after kill() the binding waits for ProcessExited before asking HCS whether the process has exited
 * (hcsshim's grace period is the same 1 s). A kill can race the exit, and the notification may then never come
 * (pain point 6, hcsshim PR #571).
 */
export const KILL_EXIT_GRACE_MS = 1000;

/** How a process ended: its exit code (`-1` when unknown) and the error that made it unknown, if any. */
export interface ExitInfo {
  code: number;
  error?: HcsError;
}

/** The exit from a ProcessStatus that says the process has exited: `-1` with the error when its wait failed. */
export function exitInfoFromStatus(status: ProcessStatus, who: { id: string; pid: number }): ExitInfo {
  if (status.LastWaitResult !== 0) {
    // hcsshim PR #70/#489: a failed wait must not read as success.
    return { code: -1, error: hcsErrorFromHresult(status.LastWaitResult >>> 0, { operation: 'hcs::Process::Wait', ...who }) };
  }
  return { code: status.ExitCode };
}

/** The exit code from the ProcessExited notification itself (status, ProcessStatus data); `undefined`: ask HCS. */
export function exitInfoFromNotification(outcome: NotificationOutcome, who: { id: string; pid: number }): ExitInfo | undefined {
  const operation = 'hcs::Process::Wait';
  if (failed(outcome.status)) return { code: -1, error: hcsErrorFromHresult(outcome.status, { operation, ...who, result: outcome.data }) };
  try {
    // Blank data decodes as a not-exited status, so it too ends up asking HCS.
    if (outcome.data) {
      const status = decodeProcessStatus(outcome.data);
      if (status.Exited) return exitInfoFromStatus(status, who);
    }
  } catch {
    // not a ProcessStatus document: ask HCS instead
  }
  return undefined;
}

/**
 * `HcsGetProcessProperties`, decoded. Rejects with an `HcsError` when the call fails, returns no document or one
 * that is not JSON.
 */
export async function queryProcessStatus(
  rt: Runtime,
  target: InvokeTarget,
  handle: HcsProcessHandle,
  operation: string,
): Promise<ProcessStatus> {
  const who = { id: target.id, pid: target.pid };
  const res = await invoke(target, operation, () => rt.api.getProcessProperties(handle));
  if (res.value === null) throw unexpectedValueError(operation, who, 'no process status');
  return decodeDocument(operation, who, 'process status', decodeProcessStatus, res.value);
}

/** The exit code from `HcsGetProcessProperties`, when the notification did not carry it. Never rejects. */
export async function exitInfoFromProperties(
  rt: Runtime,
  reg: RegisteredHandle,
  handle: HcsProcessHandle,
  who: { id: string; pid: number },
): Promise<ExitInfo> {
  const operation = 'hcs::Process::Wait';
  try {
    const status = await queryProcessStatus(rt, { lifecycle: reg.lifecycle, entry: reg.entry, ...who }, handle, operation);
    if (!status.Exited) return { code: -1, error: invalidProcessStateError(operation, who) };
    return exitInfoFromStatus(status, who);
  } catch (err) {
    // Whatever went wrong, the exit is real and its code unknown: -1, never a made-up 0 (hcsshim PR #489).
    const error = err instanceof HcsError ? err : unexpectedValueError(operation, who, 'the exit status could not be read', err);
    return { code: -1, error };
  }
}

/**
 * After a kill whose ProcessExited has not come: the exit as HCS reports it, `-1` with the error when HCS no longer
 * knows the process (it is gone, its code unknowable), or `undefined` while it still runs, the handle has closed or
 * the status cannot be read.
 */
export async function exitInfoAfterKill(
  rt: Runtime,
  reg: RegisteredHandle,
  handle: HcsProcessHandle,
  who: { id: string; pid: number },
): Promise<ExitInfo | undefined> {
  try {
    const status = await queryProcessStatus(rt, { lifecycle: reg.lifecycle, entry: reg.entry, ...who }, handle, 'hcs::Process::Wait');
    return status.Exited ? exitInfoFromStatus(status, who) : undefined;
  } catch (err) {
    if (err instanceof HcsError && isGoneError(err)) return { code: -1, error: err };
    return undefined;
  }
}

/**
 * Whether a failed status query after a kill means the process (or its system) is gone, so its exit code can no
 * longer be had: not found or already stopped (either HRESULT family), or an invalid state (hcsshim likewise ends
 * its waits with -1 when a kill is refused for one of these). Anything else (a passing failure) keeps the waits going.
 */
function isGoneError(err: HcsError): boolean {
  if (err.code === 'ERR_HCS_NOT_FOUND' || err.code === 'ERR_HCS_ALREADY_STOPPED') return true;
  // 0xC037xxxx (legacy) and 0x8037xxxx differ only in bit 30.
  return err.hresult !== undefined && (err.hresult | 0x40000000) >>> 0 === HRESULT.INVALID_STATE;
}
