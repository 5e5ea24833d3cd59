import { GoFields, UINT64_MAX_AS_NUMBER, asJsonObject } from './go-fields';

/**
 * Counters in this module are Go `uint64`s. They arrive through `JSON.parse` as `number`: exact up to 2^53 - 1
 * (`Number.MAX_SAFE_INTEGER`), rounded to the nearest double above that (never an error; the rounded value is
 * kept). A counter that is absent, negative, fractional, above 2^64 or not a number decodes as `0`, Go's zero value.
 */

/** Memory counters of a compute system (`Statistics.Memory`). */
export interface MemoryStats {
  MemoryUsageCommitBytes: number;
  MemoryUsageCommitPeakBytes: number;
  MemoryUsagePrivateWorkingSetBytes: number;
}

/** Processor time counters, in 100 ns units (`Statistics.Processor`). */
export interface ProcessorStats {
  TotalRuntime100ns: number;
  RuntimeUser100ns: number;
  RuntimeKernel100ns: number;
}

/** Storage I/O counters (`Statistics.Storage`). */
export interface StorageStats {
  ReadCountNormalized: number;
  ReadSizeBytes: number;
  WriteCountNormalized: number;
  WriteSizeBytes: number;
}

/** Counters of one network endpoint (`Statistics.Network[]`). */
export interface NetworkStats {
  BytesReceived: number;
  BytesSent: number;
  PacketsReceived: number;
  PacketsSent: number;
  DroppedPacketsIncoming: number;
  DroppedPacketsOutgoing: number;
  /** The HNS endpoint id. */
  EndpointId: string;
  /** The network adapter instance id. */
  InstanceId: string;
}

/**
 * Resource usage of a compute system: the `Statistics` property (`PropertyTypes: ["Statistics"]`).
 * `Timestamp` and `ContainerStartTime` are the RFC 3339 text HCS sent (`""` when absent or not a string); convert
 * them with `parseHcsTimestamp`.
 */
export interface Statistics {
  Timestamp: string;
  ContainerStartTime: string;
  /** Time since the system started, in 100 ns units. */
  Uptime100ns: number;
  Memory: MemoryStats;
  Processor: ProcessorStats;
  Storage: StorageStats;
  /** One entry per endpoint; entries that are not objects are dropped. */
  Network: NetworkStats[];
}

/** Decodes a `Statistics` object tolerantly (see the module notes on counters); never throws. */
export function decodeStatistics(value: unknown): Statistics {
  const fields = new GoFields(value);
  const memory = fields.struct('Memory');
  const processor = fields.struct('Processor');
  const storage = fields.struct('Storage');
  return {
    Timestamp: fields.string('Timestamp'),
    ContainerStartTime: fields.string('ContainerStartTime'),
    Uptime100ns: fields.uint('Uptime100ns', UINT64_MAX_AS_NUMBER),
    Memory: {
      MemoryUsageCommitBytes: memory.uint('MemoryUsageCommitBytes', UINT64_MAX_AS_NUMBER),
      MemoryUsageCommitPeakBytes: memory.uint('MemoryUsageCommitPeakBytes', UINT64_MAX_AS_NUMBER),
      MemoryUsagePrivateWorkingSetBytes: memory.uint('MemoryUsagePrivateWorkingSetBytes', UINT64_MAX_AS_NUMBER),
    },
    Processor: {
      TotalRuntime100ns: processor.uint('TotalRuntime100ns', UINT64_MAX_AS_NUMBER),
      RuntimeUser100ns: processor.uint('RuntimeUser100ns', UINT64_MAX_AS_NUMBER),
      RuntimeKernel100ns: processor.uint('RuntimeKernel100ns', UINT64_MAX_AS_NUMBER),
    },
    Storage: {
      ReadCountNormalized: storage.uint('ReadCountNormalized', UINT64_MAX_AS_NUMBER),
      ReadSizeBytes: storage.uint('ReadSizeBytes', UINT64_MAX_AS_NUMBER),
      WriteCountNormalized: storage.uint('WriteCountNormalized', UINT64_MAX_AS_NUMBER),
      WriteSizeBytes: storage.uint('WriteSizeBytes', UINT64_MAX_AS_NUMBER),
    },
    Network: (fields.array('Network') ?? []).filter((item) => asJsonObject(item) !== undefined).map(decodeNetworkStats),
  };
}

/** Decodes one `Statistics.Network[]` entry; never throws. */
export function decodeNetworkStats(value: unknown): NetworkStats {
  const fields = new GoFields(value);
  return {
    BytesReceived: fields.uint('BytesReceived', UINT64_MAX_AS_NUMBER),
    BytesSent: fields.uint('BytesSent', UINT64_MAX_AS_NUMBER),
    PacketsReceived: fields.uint('PacketsReceived', UINT64_MAX_AS_NUMBER),
    PacketsSent: fields.uint('PacketsSent', UINT64_MAX_AS_NUMBER),
    DroppedPacketsIncoming: fields.uint('DroppedPacketsIncoming', UINT64_MAX_AS_NUMBER),
    DroppedPacketsOutgoing: fields.uint('DroppedPacketsOutgoing', UINT64_MAX_AS_NUMBER),
    EndpointId: fields.string('EndpointId'),
    InstanceId: fields.string('InstanceId'),
  };
}
