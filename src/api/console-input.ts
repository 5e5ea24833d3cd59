import { type ProcessConfig, encodeProcessConfig } from '../../schemas';

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
  // Validate the caller's config first: an invalid CreateStdInPipe must be reported, not overwritten.
  const document = encodeProcessConfig(config);
  if (config.EmulateConsole !== true || config.CreateStdInPipe === true) return { document, holdsConsoleInput: false };
  return { document: encodeProcessConfig({ ...config, CreateStdInPipe: true }), holdsConsoleInput: true };
}
