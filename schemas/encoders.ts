import { type DocumentKind, documentSchemas, parseDocument } from './documents';
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
 * Validates, then serialises zod's validated copy: the writer reads each value exactly once after validation (a
 * getter or proxy cannot change it in between) and Go's zero values and defaults are applied by the writers.
 * Free-form JSON parts (`OCISpecification`, `Settings`) are copied by one read of each value, checked by a walk of
 * their own, and written from that copy.
 */
function encodeWith<T>(kind: DocumentKind, value: unknown, write: (v: T) => string): string {
  const parsed = parseDocument(kind, value);
  if (!parsed.ok) throw new HcsValidationError(documentSchemas[kind].name, parsed.issues);
  try {
    return write(parsed.data as T);
  } catch (err) {
    // Valid, but longer than the longest string V8 can make (about 512 MiB): ten thousand 100 KB arguments, say.
    if (!(err instanceof RangeError)) throw err;
    const name = documentSchemas[kind].name;
    throw new HcsValidationError(name, [{ path: '(root)', message: 'is too large to encode: its JSON would be longer than the longest string Node can hold' }]);
  }
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
