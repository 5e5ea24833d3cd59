import { type DocumentKind, documentSchemas, validateDocument } from './documents';
import type { ContainerConfig } from './container-config';
import type { ProcessConfig } from './process-config';
import type { ComputeSystemQuery, PropertyQuery } from './queries';
import type { ProcessModifyRequest, ResourceModificationRequestResponse, SignalProcessRequest } from './requests';
import { HcsValidationError } from './validation-error';
import { writeContainerConfig } from './wire-container';
import {
  writeComputeSystemQuery,
  writeProcessConfig,
  writeProcessModifyRequest,
  writePropertyQuery,
  writeResourceModificationRequest,
  writeSignalRequest,
} from './wire-process';

/**
 * Validates, then serialises. The writer reads the caller's value (not zod's copy): after a successful parse it
 * has exactly the validated shape, and reading it directly keeps keys zod's record parser would drop and saves a
 * deep copy. Defaults (`SystemType`) are applied by the writers, which know Go's zero values.
 */
function encodeWith<T>(kind: DocumentKind, value: unknown, write: (v: T) => string): string {
  const issues = validateDocument(kind, value);
  if (issues.length > 0) throw new HcsValidationError(documentSchemas[kind].name, issues);
  return write(value as T);
}

/**
 * Validates a container configuration and returns the exact JSON hcsshim sends as the `configuration` of
 * `HcsCreateComputeSystem` (Go `encoding/json` of `schema1.ContainerConfig`).
 * @throws HcsValidationError when the value is not a valid {@link ContainerConfig}.
 */
export function encodeContainerConfig(value: unknown): string {
  return encodeWith<ContainerConfig>('container', value, writeContainerConfig);
}

/**
 * Validates process parameters and returns the exact JSON hcsshim sends as the `processParameters` of
 * `HcsCreateProcess` (Go `encoding/json` of `schema1.ProcessConfig`).
 * @throws HcsValidationError when the value is not a valid {@link ProcessConfig}.
 */
export function encodeProcessConfig(value: unknown): string {
  return encodeWith<ProcessConfig>('process', value, writeProcessConfig);
}

/**
 * Validates a query and returns the JSON hcsshim sends as the `query` of `HcsEnumerateComputeSystems`.
 * @throws HcsValidationError when the value is not a valid {@link ComputeSystemQuery}.
 */
export function encodeComputeSystemQuery(value: unknown): string {
  return encodeWith<ComputeSystemQuery>('query', value, writeComputeSystemQuery);
}

/**
 * Validates a property query and returns the JSON sent as the `propertyQuery` of `HcsGetComputeSystemProperties`.
 * @throws HcsValidationError when the value is not a valid {@link PropertyQuery}.
 */
export function encodePropertyQuery(value: unknown): string {
  return encodeWith<PropertyQuery>('property-query', value, writePropertyQuery);
}

/**
 * Validates a modification request and returns the JSON sent as the `configuration` of `HcsModifyComputeSystem`.
 * @throws HcsValidationError when the value is not a valid {@link ResourceModificationRequestResponse}.
 */
export function encodeResourceModificationRequest(value: unknown): string {
  return encodeWith<ResourceModificationRequestResponse>('modify', value, writeResourceModificationRequest);
}

/**
 * Validates a process modify request (console resize, handle close) and returns the JSON sent as the `settings`
 * of `HcsModifyProcess`.
 * @throws HcsValidationError when the value is not a valid {@link ProcessModifyRequest}.
 */
export function encodeProcessModifyRequest(value: unknown): string {
  return encodeWith<ProcessModifyRequest>('process-modify', value, writeProcessModifyRequest);
}

/**
 * Validates a signal request and returns the JSON sent as the `options` of `HcsSignalProcess`.
 * @throws HcsValidationError when the value is not a valid {@link SignalProcessRequest}.
 */
export function encodeSignalRequest(value: unknown): string {
  return encodeWith<SignalProcessRequest>('signal', value, writeSignalRequest);
}
