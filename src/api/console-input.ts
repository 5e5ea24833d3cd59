import { type ProcessConfig, encodeProcessConfig, parseProcessConfig } from '../../schemas';

/** The `HcsCreateProcess` document for a config, and whether the binding asked for a stdin pipe the caller did not. */
export interface ProcessRequest {
  document: string;
  /** The stdin pipe is the binding's: held open until `close()`, never handed out by `stdio()`. */
  holdsConsoleInput: boolean;
}

/**
 * Validates and encodes a process config. A console process (`EmulateConsole`) without `CreateStdInPipe` gets a
 * stdin pipe anyway, which the binding keeps open and never hands out.
 *
 * Why: on Windows hosts, ConPTY ends a console process started without a stdin handle at once with
 * STATUS_CONTROL_C_EXIT (0xC000013A) in more than 95% of starts (hcsshim #2831, containerd/nerdctl #4899; hcsshim
 * PR #2923 works around it the same way). The simulator reproduces the race every time. Not verified on a real host
 * here; an input pipe nobody writes to is harmless there either way.
 */
export function processRequest(config: ProcessConfig): ProcessRequest {
  // Why zod's validated copy is what gets encoded, never `config` read again: a second read of the caller's object
  // (a spread, a getter) could see other values than the ones validated, or none (a spread drops inherited
  // properties and a class's getters), and HCS would be sent a document nobody checked. Validating first also
  // reports an invalid CreateStdInPipe instead of overwriting it.
  const checked = parseProcessConfig(config);
  if (checked.EmulateConsole !== true || checked.CreateStdInPipe === true) {
    return { document: encodeProcessConfig(checked), holdsConsoleInput: false };
  }
  return { document: encodeProcessConfig({ ...checked, CreateStdInPipe: true }), holdsConsoleInput: true };
}
