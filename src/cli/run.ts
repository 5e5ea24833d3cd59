import { parseArgs, UsageError } from './args';
import { exitStatusOf, formatReportsJson, formatReportText } from './format';
import { mainHelp, packageVersion, schemaHelp, validateHelp } from './help';
import { schemaText } from './schema-command';
import { validateFiles, type ValidateInputs } from './validate-command';

/** Where the CLI reads and writes (the process's streams in `main`, buffers in tests). */
export interface CliIo extends ValidateInputs {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
}

/**
 * Runs `hcs` with `argv` (the arguments after the script name) and resolves to the exit status: 0 success, 1 some
 * document invalid, 2 usage error or a file that could not be validated. Never rejects for user errors.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let command;
  try {
    command = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`hcs: ${error.message}\nRun "hcs --help" for usage.\n`);
    return 2;
  }
  switch (command.name) {
    case 'help':
      io.stdout(command.topic === 'validate' ? validateHelp() : command.topic === 'schema' ? schemaHelp() : mainHelp());
      return 0;
    case 'version':
      io.stdout(`${packageVersion()}\n`);
      return 0;
    case 'schema':
      io.stdout(schemaText(command.type));
      return 0;
    case 'validate': {
      const reports = await validateFiles(command.files, command.type, io);
      if (command.json) {
        io.stdout(formatReportsJson(reports));
      } else {
        for (const report of reports) {
          const { stdout, stderr } = formatReportText(report);
          if (stdout.length > 0) io.stdout(`${stdout.join('\n')}\n`);
          if (stderr.length > 0) io.stderr(`${stderr.join('\n')}\n`);
        }
      }
      return exitStatusOf(reports);
    }
  }
}
