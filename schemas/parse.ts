import { type DocumentKind, documentSchemas, parseDocument } from './documents';
import type { ContainerConfig } from './container-config';
import type { ProcessConfig } from './process-config';
import { HcsValidationError } from './validation-error';

function parseAs<T>(kind: DocumentKind, value: unknown): T {
  const parsed = parseDocument(kind, value);
  if (!parsed.ok) throw new HcsValidationError(documentSchemas[kind].name, parsed.issues);
  return parsed.data as T;
}

/**
 * Validates process parameters and returns zod's validated copy: a plain object whose every value was read once,
 * during validation. Change the copy and pass it to `encodeProcessConfig` instead of reading the caller's object
 * again (a getter, a proxy or an inherited field could give another value, or none, on a second read).
 * @throws HcsValidationError when the value is not a valid {@link ProcessConfig}.
 */
export function parseProcessConfig(value: unknown): ProcessConfig {
  return parseAs<ProcessConfig>('process', value);
}

/**
 * Validates a container configuration and returns zod's validated copy (see {@link parseProcessConfig}).
 * @throws HcsValidationError when the value is not a valid {@link ContainerConfig}.
 */
export function parseContainerConfig(value: unknown): ContainerConfig {
  return parseAs<ContainerConfig>('container', value);
}
