/** What the finalizer reports about an object that was garbage-collected without `close()`. */
export interface UnclosedInfo {
  kind: 'Container' | 'Process';
  id: string;
  pid?: number;
  /** Set to true by the object's close(); read when the object is collected. */
  closed: { value: boolean };
}

// Why only a warning: closing is asynchronous (unregister, then close, through koffi's .async) and a finalizer
// cannot await; the HCS handle stays open until the process exits, so the user must be told to close it.
const registry = new FinalizationRegistry<UnclosedInfo>((info) => {
  if (info.closed.value) return;
  const what = info.kind === 'Process' ? `Process ${info.pid} in container ${info.id}` : `Container ${info.id}`;
  process.emitWarning(`${what} was garbage-collected without close(); its HCS handle leaked until the process exits`, {
    code: 'HCS_UNCLOSED_HANDLE',
  });
});

/**
 * Reports `target` with a process warning (code `HCS_UNCLOSED_HANDLE`) if it is garbage-collected before
 * `info.closed.value` becomes true.
 */
export function watchUnclosed(target: object, info: UnclosedInfo): void {
  registry.register(target, info);
}
