import * as z from 'zod';
import type { ContainerProperties } from './container-properties';
import type { GuestConnectionInfo } from './guest-connection';
import { INT32_MAX, INT32_MIN, UINT16_MAX, UINT32_MAX, UINT64_MAX_AS_NUMBER } from './go-fields';
import type { MappedVirtualDiskController, MappedVirtualDiskInfo } from './mapped-virtual-disks';
import type { ProcessListItem } from './process-list';
import type { ProcessStatus } from './process-status';
import type { ErrorEvent, ResultDocument } from './result-document';
import type { Statistics } from './statistics';

// Strict zod descriptions of what the decoders *return* (not of what HCS sends: the decoders accept far more).
// Useful to check a hand-written fixture or a mock's answer, and as documentation; each is typed against the
// decoder's interface so the two cannot drift apart.

// Not z.number().int(): zod's int() stops at 2^53 - 1, and decoded uint64 counters go beyond (rounded).
const uint64 = z
  .number()
  .min(0)
  .max(UINT64_MAX_AS_NUMBER)
  .refine((n) => Number.isInteger(n), 'must be an integer');
const uint32 = z.number().int().min(0).max(UINT32_MAX);
const int32 = z.number().int().min(INT32_MIN).max(INT32_MAX);
const intKey = z.string().regex(/^-?(0|[1-9][0-9]*)$/, 'must be a decimal integer key');

/** A decoded `ErrorEvent`. */
export const ErrorEventSchema: z.ZodType<ErrorEvent> = z.strictObject({
  Message: z.string(),
  StackTrace: z.string(),
  Provider: z.string(),
  EventId: z.number().int().min(0).max(UINT16_MAX),
  Flags: uint32,
  Source: z.string(),
});

/** A decoded result document (`decodeResultDocument`). */
export const ResultDocumentSchema: z.ZodType<ResultDocument> = z.strictObject({
  Error: uint32.optional(),
  ErrorMessage: z.string().optional(),
  ErrorEvents: z.array(ErrorEventSchema),
});

/** Decoded `Statistics`. */
export const StatisticsSchema: z.ZodType<Statistics> = z.strictObject({
  Timestamp: z.string(),
  ContainerStartTime: z.string(),
  Uptime100ns: uint64,
  Memory: z.strictObject({
    MemoryUsageCommitBytes: uint64,
    MemoryUsageCommitPeakBytes: uint64,
    MemoryUsagePrivateWorkingSetBytes: uint64,
  }),
  Processor: z.strictObject({ TotalRuntime100ns: uint64, RuntimeUser100ns: uint64, RuntimeKernel100ns: uint64 }),
  Storage: z.strictObject({
    ReadCountNormalized: uint64,
    ReadSizeBytes: uint64,
    WriteCountNormalized: uint64,
    WriteSizeBytes: uint64,
  }),
  Network: z.array(
    z.strictObject({
      BytesReceived: uint64,
      BytesSent: uint64,
      PacketsReceived: uint64,
      PacketsSent: uint64,
      DroppedPacketsIncoming: uint64,
      DroppedPacketsOutgoing: uint64,
      EndpointId: z.string(),
      InstanceId: z.string(),
    }),
  ),
});

/** A decoded `ProcessListItem`. */
export const ProcessListItemSchema: z.ZodType<ProcessListItem> = z.strictObject({
  CreateTimestamp: z.string(),
  ImageName: z.string(),
  KernelTime100ns: uint64,
  MemoryCommitBytes: uint64,
  MemoryWorkingSetPrivateBytes: uint64,
  MemoryWorkingSetSharedBytes: uint64,
  ProcessId: uint32,
  UserTime100ns: uint64,
});

/** A decoded mapped virtual disk. */
export const MappedVirtualDiskInfoSchema: z.ZodType<MappedVirtualDiskInfo> = z.strictObject({
  HostPath: z.string(),
  ContainerPath: z.string(),
  CreateInUtilityVM: z.boolean(),
  ReadOnly: z.boolean(),
  Cache: z.string(),
  AttachOnly: z.boolean(),
});

/** A decoded SCSI controller with its disks by LUN (object keys are the decimal LUNs). */
export const MappedVirtualDiskControllerSchema: z.ZodType<MappedVirtualDiskController> = z.strictObject({
  MappedVirtualDisks: z.record(intKey, MappedVirtualDiskInfoSchema),
});

/** Decoded `GuestConnectionInfo`. */
export const GuestConnectionInfoSchema: z.ZodType<GuestConnectionInfo> = z.strictObject({
  SupportedSchemaVersions: z.array(z.strictObject({ Major: int32, Minor: int32 })),
  ProtocolVersion: uint32,
  GuestDefinedCapabilities: z.strictObject({
    NamespaceAddRequestSupported: z.boolean(),
    SignalProcessSupported: z.boolean(),
    DumpStacksSupported: z.boolean(),
    DeleteContainerStateSupported: z.boolean(),
    UpdateContainerSupported: z.boolean(),
    LogForwardingSupported: z.boolean(),
    HostProcessContainerSupported: z.boolean(),
  }),
});

/** Decoded `ContainerProperties` (`decodeContainerProperties`). */
export const ContainerPropertiesSchema: z.ZodType<ContainerProperties> = z.strictObject({
  Id: z.string(),
  State: z.string(),
  Name: z.string(),
  SystemType: z.string(),
  RuntimeOsType: z.string(),
  Owner: z.string(),
  SiloGuid: z.string(),
  RuntimeId: z.string(),
  IsRuntimeTemplate: z.boolean(),
  RuntimeImagePath: z.string(),
  Stopped: z.boolean(),
  ExitType: z.string(),
  AreUpdatesPending: z.boolean(),
  ObRoot: z.string(),
  Statistics: StatisticsSchema,
  ProcessList: z.array(ProcessListItemSchema),
  MappedVirtualDiskControllers: z.record(intKey, MappedVirtualDiskControllerSchema),
  GuestConnectionInfo: GuestConnectionInfoSchema,
});

/** A decoded `ProcessStatus` (`decodeProcessStatus`). */
export const ProcessStatusSchema: z.ZodType<ProcessStatus> = z.strictObject({
  ProcessId: uint32,
  Exited: z.boolean(),
  ExitCode: uint32,
  LastWaitResult: int32,
});
