import { debuglog } from 'node:util';

const log = debuglog('hcs');

/**
 * Debug tracing (`NODE_DEBUG=hcs`). Only operation names, ids, pids, contexts, durations and HRESULTs are ever
 * logged: never configuration documents, which may hold `Credentials` or environment values.
 */
export const trace = {
  /** Whether tracing is on, so callers can skip building messages. */
  get enabled(): boolean {
    return log.enabled;
  },
  /** One finished call into vmcompute. */
  call(operation: string, identity: string, hr: number, startedAt: number): void {
    if (!log.enabled) return;
    const ms = (performance.now() - startedAt).toFixed(2);
    log('%s %s -> 0x%s (%sms)', operation, identity, (hr >>> 0).toString(16).padStart(8, '0'), ms);
  },
  /** One notification as received from HCS. */
  notification(name: string, context: number, status: number, identity: string | undefined): void {
    if (!log.enabled) return;
    log('notification %s context=%d %s status=0x%s', name, context, identity ?? '(unknown)', (status >>> 0).toString(16).padStart(8, '0'));
  },
  /** Anything else worth a line (lifecycle transitions, ignored notifications). */
  note(format: string, ...args: unknown[]): void {
    if (log.enabled) log(format, ...args);
  },
};

/** `container <id>` / `process <pid> in <id>`, for trace lines. */
export function identityOf(id: string | undefined, pid?: number): string {
  if (pid !== undefined) return `process ${pid}${id !== undefined ? ` in ${id}` : ''}`;
  return id !== undefined ? `system ${id}` : '(service)';
}
