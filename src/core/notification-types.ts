/**
 * HCS notification type values (`HCS_NOTIFICATIONS`) that the legacy API delivers to the registered callback.
 * Only these are acted on; every other value (crash reports, progress updates, flags) is ignored on purpose:
 * hcsshim once blocked HCS's callback thread on types nobody waited for (hcsshim PR #546).
 */
export const NotificationType = {
  SystemExited: 0x00000001,
  SystemCreateCompleted: 0x00000002,
  SystemStartCompleted: 0x00000003,
  SystemPauseCompleted: 0x00000004,
  SystemResumeCompleted: 0x00000005,
  ProcessExited: 0x00010000,
  ServiceDisconnect: 0x01000000,
  /** The v2 (computecore) value for a lost service; accepted too in case a vmcompute build ever sends it. */
  ServiceDisconnectV2: 0x02000000,
} as const;

/** One of the {@link NotificationType} values. */
export type NotificationTypeValue = (typeof NotificationType)[keyof typeof NotificationType];

/** Notifications that complete a pending operation; each is consumed by the one wait that expects it. */
export const completionTypes: ReadonlySet<number> = new Set([
  NotificationType.SystemCreateCompleted,
  NotificationType.SystemStartCompleted,
  NotificationType.SystemPauseCompleted,
  NotificationType.SystemResumeCompleted,
]);

/** Notifications that report an exit: latched for the life of the handle, observed by any number of waits. */
export const exitTypes: ReadonlySet<number> = new Set([NotificationType.SystemExited, NotificationType.ProcessExited]);

/** True for either ServiceDisconnect value. */
export function isDisconnectType(type: number): boolean {
  return type === NotificationType.ServiceDisconnect || type === NotificationType.ServiceDisconnectV2;
}

/** A readable name for tracing. */
export function notificationName(type: number): string {
  for (const [name, value] of Object.entries(NotificationType)) if (value === type) return name;
  return `0x${(type >>> 0).toString(16).padStart(8, '0')}`;
}
