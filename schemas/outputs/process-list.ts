import { GoFields, UINT32_MAX, UINT64_MAX_AS_NUMBER } from './go-fields';

/**
 * One process of a compute system: an entry of the `ProcessList` property (`PropertyTypes: ["ProcessList"]`).
 * Counters are Go uint64s with the precision caveat of `Statistics` (exact up to 2^53 - 1, rounded above, `0` when
 * absent or invalid). `CreateTimestamp` is the RFC 3339 text HCS sent (`""` when absent); see `parseHcsTimestamp`.
 */
export interface ProcessListItem {
  CreateTimestamp: string;
  ImageName: string;
  KernelTime100ns: number;
  MemoryCommitBytes: number;
  MemoryWorkingSetPrivateBytes: number;
  MemoryWorkingSetSharedBytes: number;
  /** Go uint32. */
  ProcessId: number;
  UserTime100ns: number;
}

/** Decodes one `ProcessList[]` entry tolerantly; never throws. */
export function decodeProcessListItem(value: unknown): ProcessListItem {
  const fields = new GoFields(value);
  return {
    CreateTimestamp: fields.string('CreateTimestamp'),
    ImageName: fields.string('ImageName'),
    KernelTime100ns: fields.uint('KernelTime100ns', UINT64_MAX_AS_NUMBER),
    MemoryCommitBytes: fields.uint('MemoryCommitBytes', UINT64_MAX_AS_NUMBER),
    MemoryWorkingSetPrivateBytes: fields.uint('MemoryWorkingSetPrivateBytes', UINT64_MAX_AS_NUMBER),
    MemoryWorkingSetSharedBytes: fields.uint('MemoryWorkingSetSharedBytes', UINT64_MAX_AS_NUMBER),
    ProcessId: fields.uint('ProcessId', UINT32_MAX),
    UserTime100ns: fields.uint('UserTime100ns', UINT64_MAX_AS_NUMBER),
  };
}
