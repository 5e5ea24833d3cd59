import * as z from 'zod';
import { jsonObject } from './json-value';
import { goString, list, nilable, NO_NUL_PATTERN, NUL_MESSAGE, uint16 } from './primitives';

/**
 * Environment variable names: non-empty, no `=` (the Windows environment block separates name and value with the
 * first `=`, so such a name could not be passed through), no NUL. `__proto__` is refused too, by a check in
 * documents.ts (`z.record` drops that key before any key schema sees it); the `not` here says so in the JSON Schema.
 */
const EnvironmentKeySchema = z
  .string()
  .min(1, { error: 'environment variable names must not be empty' })
  .regex(/^[^=]*$/, { error: 'environment variable names must not contain "="' })
  .regex(NO_NUL_PATTERN, { error: `environment variable names ${NUL_MESSAGE}` })
  .meta({ not: { const: '__proto__' } });

/**
 * The `processParameters` document of `HcsCreateProcess` (hcsshim `schema1.ProcessConfig`). Every field is
 * optional. `ConsoleSize` is `[height, width]`. `CreateInUtilityVm` is spelled with a lower-case "m" here, unlike
 * `CreateInUtilityVM` elsewhere, because that is the Go field name. `CommandArgs` and `OCISpecification` are for
 * Linux containers (LCOW); `OCISpecification` is embedded in the document as JSON.
 */
export const ProcessConfigSchema = z
  .strictObject({
    ApplicationName: goString().optional(),
    CommandLine: goString().optional().describe('The full Windows command line (see escapeArgs).'),
    CommandArgs: nilable(list(goString())).describe('argv for Linux containers.'),
    User: goString().optional(),
    WorkingDirectory: goString().optional(),
    Environment: nilable(z.record(EnvironmentKeySchema, goString())).describe(
      'Environment variables (values are secret: never echoed in errors).',
    ),
    EmulateConsole: z.boolean().optional().describe('Allocate a pseudo console (TTY).'),
    CreateStdInPipe: z.boolean().optional(),
    CreateStdOutPipe: z.boolean().optional(),
    CreateStdErrPipe: z.boolean().optional(),
    ConsoleSize: z
      .tuple([uint16(), uint16()], { error: 'must be [height, width]' })
      .optional()
      .describe('[height, width] of the console.'),
    CreateInUtilityVm: z.boolean().optional(),
    OCISpecification: nilable(jsonObject()).describe('OCI runtime spec (Linux containers), embedded as JSON.'),
  })
  .describe('ProcessConfig: the processParameters of HcsCreateProcess (hcsshim schema1).');

/** Input type of {@link ProcessConfigSchema}. */
export type ProcessConfig = z.input<typeof ProcessConfigSchema>;
