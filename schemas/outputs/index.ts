export { decodeResultDocument, decodeErrorEvent, type ResultDocument, type ErrorEvent } from './result-document';
export {
  decodeContainerProperties,
  decodeContainerPropertiesList,
  type ContainerProperties,
} from './container-properties';
export {
  decodeStatistics,
  decodeNetworkStats,
  type Statistics,
  type MemoryStats,
  type ProcessorStats,
  type StorageStats,
  type NetworkStats,
} from './statistics';
export { decodeProcessListItem, type ProcessListItem } from './process-list';
export {
  decodeMappedVirtualDiskControllers,
  decodeMappedVirtualDiskController,
  decodeMappedVirtualDiskInfo,
  type MappedVirtualDiskController,
  type MappedVirtualDiskInfo,
} from './mapped-virtual-disks';
export {
  decodeGuestConnectionInfo,
  type GuestConnectionInfo,
  type GuestDefinedCapabilities,
  type SchemaVersion,
} from './guest-connection';
export { decodeProcessStatus, type ProcessStatus } from './process-status';
export { parseHcsTimestamp, GO_ZERO_TIME } from './timestamp';
export { parseJsonDocument, JsonTextError, type JsonErrorPosition } from './json-text';
export {
  ContainerPropertiesSchema,
  StatisticsSchema,
  ProcessListItemSchema,
  MappedVirtualDiskInfoSchema,
  MappedVirtualDiskControllerSchema,
  GuestConnectionInfoSchema,
  ProcessStatusSchema,
  ResultDocumentSchema,
  ErrorEventSchema,
} from './output-schemas';
