import { GoFields, asJsonObject } from './go-fields';
import { parseJsonDocument } from './json-text';
import { decodeGuestConnectionInfo, type GuestConnectionInfo } from './guest-connection';
import { decodeMappedVirtualDiskControllers, type MappedVirtualDiskController } from './mapped-virtual-disks';
import { decodeProcessListItem, type ProcessListItem } from './process-list';
import { decodeStatistics, type Statistics } from './statistics';

/**
 * Properties of a compute system: one element of `HcsEnumerateComputeSystems`' output, or the document
 * `HcsGetComputeSystemProperties` returns for a `PropertyQuery` (hcsshim's `ContainerProperties`). Fields HCS did not
 * send hold Go's zero value (`""`, `false`, `0`, `[]`, `{}`), which is what hcsshim's callers see too.
 */
export interface ContainerProperties {
  Id: string;
  /** e.g. "Running" (v0.7+). */
  State: string;
  Name: string;
  /** e.g. "Container" or "VirtualMachine". */
  SystemType: string;
  /** e.g. "Linux" (Go field `RuntimeOSType`, JSON key `RuntimeOsType`). */
  RuntimeOsType: string;
  Owner: string;
  SiloGuid: string;
  /**
   * The runtime GUID as text. Go's `guid.GUID` (hcsshim v0.8.9+) rejects a non-GUID string; this decoder keeps any
   * string.
   */
  RuntimeId: string;
  IsRuntimeTemplate: boolean;
  RuntimeImagePath: string;
  Stopped: boolean;
  ExitType: string;
  AreUpdatesPending: boolean;
  ObRoot: string;
  /** Only meaningful when `Statistics` was queried; all zero otherwise. */
  Statistics: Statistics;
  /** Only filled when `ProcessList` was queried. */
  ProcessList: ProcessListItem[];
  /** Controllers keyed by controller number; only filled when `MappedVirtualDisk` was queried. */
  MappedVirtualDiskControllers: Record<number, MappedVirtualDiskController>;
  /** Only filled when `GuestConnection` was queried. */
  GuestConnectionInfo: GuestConnectionInfo;
}

/**
 * Decodes one `ContainerProperties` document. `value` is the parsed JSON, or JSON text (parsed first; empty text
 * gives an all-zero result, text that is not valid JSON throws a `JsonTextError` with the line and column; so a
 * top-level JSON string value cannot be passed pre-parsed). Any other well-formed value is decoded without
 * throwing: keys match case-insensitively, unknown keys are ignored, wrong-typed values give the zero value, and a
 * value that is not an object gives an all-zero result.
 */
export function decodeContainerProperties(value: unknown): ContainerProperties {
  let parsed = value;
  if (typeof value === 'string') parsed = value.trim() === '' ? undefined : parseJsonDocument(value);
  const fields = new GoFields(parsed);
  return {
    Id: fields.string('Id'),
    State: fields.string('State'),
    Name: fields.string('Name'),
    SystemType: fields.string('SystemType'),
    RuntimeOsType: fields.string('RuntimeOsType'),
    Owner: fields.string('Owner'),
    SiloGuid: fields.string('SiloGuid'),
    RuntimeId: fields.string('RuntimeId'),
    IsRuntimeTemplate: fields.bool('IsRuntimeTemplate'),
    RuntimeImagePath: fields.string('RuntimeImagePath'),
    Stopped: fields.bool('Stopped'),
    ExitType: fields.string('ExitType'),
    AreUpdatesPending: fields.bool('AreUpdatesPending'),
    ObRoot: fields.string('ObRoot'),
    Statistics: decodeStatistics(fields.object('Statistics')),
    ProcessList: (fields.array('ProcessList') ?? []).filter(isObject).map(decodeProcessListItem),
    MappedVirtualDiskControllers: decodeMappedVirtualDiskControllers(fields.object('MappedVirtualDiskControllers')),
    GuestConnectionInfo: decodeGuestConnectionInfo(fields.object('GuestConnectionInfo')),
  };
}

/**
 * Decodes the output of `HcsEnumerateComputeSystems`: a JSON array of `ContainerProperties`. `null` (and empty or
 * whitespace-only text, which some builds return for "none") gives `[]`; so does well-formed JSON that is not an
 * array. Elements that are not objects are dropped. Throws a `JsonTextError` (line and column) only when the text is
 * not valid JSON.
 */
export function decodeContainerPropertiesList(text: string): ContainerProperties[] {
  if (text.trim() === '') return [];
  const parsed = parseJsonDocument(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(isObject).map(decodeContainerProperties);
}

function isObject(value: unknown): boolean {
  return asJsonObject(value) !== undefined;
}
