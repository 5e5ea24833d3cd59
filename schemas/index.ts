/**
 * `hcsshim-ts/schemas`: zod schemas for every document the HCS legacy API takes, and encoders that validate a
 * document and produce exactly the JSON hcsshim's Go code sends. Imports only zod (never koffi or the DLL), so it
 * works on any OS.
 *
 * @packageDocumentation
 */

export {
  AssignedDeviceSchema,
  HvRuntimeSchema,
  LayerSchema,
  MappedDirSchema,
  MappedPipeSchema,
  MappedVirtualDiskSchema,
} from './container-parts';
export type { AssignedDevice, HvRuntime, Layer, MappedDir, MappedPipe, MappedVirtualDisk } from './container-parts';
export { ContainerConfigSchema } from './container-config';
export type { ContainerConfig } from './container-config';
export { ProcessConfigSchema } from './process-config';
export type { ProcessConfig } from './process-config';
export { ComputeSystemQuerySchema, PropertyQuerySchema } from './queries';
export type { ComputeSystemQuery, PropertyQuery } from './queries';
export {
  CloseHandleRequestSchema,
  ConsoleSizeRequestSchema,
  ProcessModifyRequestSchema,
  ResourceModificationRequestResponseSchema,
  SignalProcessRequestSchema,
  WindowsSignalSchema,
} from './requests';
export type { ProcessModifyRequest, ResourceModificationRequestResponse, SignalProcessRequest } from './requests';
export type { JsonObject, JsonValue } from './json-value';
export {
  encodeComputeSystemQuery,
  encodeContainerConfig,
  encodeProcessConfig,
  encodeProcessModifyRequest,
  encodePropertyQuery,
  encodeResourceModificationRequest,
  encodeSignalRequest,
} from './encoders';
export { parseContainerConfig, parseProcessConfig } from './parse';
export { documentSchemas, inferDocumentKind, validateDocument } from './documents';
export type { DocumentKind, DocumentSchema } from './documents';
export { HcsValidationError } from './validation-error';
export type { ValidationIssue } from './validation-error';
export { goQuote } from './go-json';
export { ADDITIONAL_JSON_ENV, mergeAdditionalJson } from './additional-json';
export * from './outputs';
