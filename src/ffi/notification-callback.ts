import type { NotificationListener } from './types';
import { type Koffi } from './koffi-runtime';
import { defineType } from './koffi-types';
import { HCS_NOTIFICATION_CALLBACK_PROTO } from './vmcompute-exports';

let listener: NotificationListener | undefined;
let registered: bigint | undefined;

/** Sets the process-wide listener the one registered callback dispatches to (replacing any previous one). */
export function setNotificationListener(next: NotificationListener): void {
  listener = next;
}

/** 0 before the first `HcsRegister*Callback`, then 1 for the life of the process. */
export function registeredCallbackCount(): number {
  return registered === undefined ? 0 : 1;
}

// The body of the registered callback. koffi runs it on the JS thread; when HCS calls from its own thread, that
// thread is blocked until we return (reference koffi-and-toolchain.md C.5), so this only copies and hands over.
// It must never throw: an exception here becomes an uncaughtException that kills the process (C.4).
function onNotification(type: number, context: number | bigint, status: number, data: string | null): void {
  try {
    const current = listener;
    if (current === undefined) return;
    current(type >>> 0, Number(context), status >>> 0, typeof data === 'string' ? data : null);
  } catch (error) {
    try {
      process.emitWarning(`hcsshim-ts: the HCS notification listener threw: ${String(error)}`, 'HcsNotificationWarning');
    } catch {
      // Nothing may escape into koffi.
    }
  }
}

/**
 * The function pointer passed to every `HcsRegister*Callback`: registered with koffi once, on first use, and kept for
 * the life of the process (hcsshim does the same; koffi has a fixed pool of 8192 registered trampolines).
 */
export function notificationCallbackPointer(koffi: Koffi): bigint {
  if (registered === undefined) {
    const proto = defineType(koffi, 'HcsNotificationCallback', () => koffi.proto(HCS_NOTIFICATION_CALLBACK_PROTO));
    registered = koffi.register(onNotification, koffi.pointer(proto));
  }
  return registered;
}
