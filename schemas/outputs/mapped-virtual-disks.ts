import { GoFields, asJsonObject } from './go-fields';

/**
 * A virtual disk attached to a compute system, as reported by the `MappedVirtualDisk` property (hcsshim's
 * `MappedVirtualDisk` struct read back from HCS). HCS also sends `Lun` per disk; hcsshim's struct has no such field
 * and drops it, and so does this decoder: the LUN is the key of the controller's map.
 */
export interface MappedVirtualDiskInfo {
  HostPath: string;
  ContainerPath: string;
  CreateInUtilityVM: boolean;
  ReadOnly: boolean;
  /** "", "Disabled", "Enabled", "Private" or "PrivateAllowSharing" (any string HCS sends is kept). */
  Cache: string;
  AttachOnly: boolean;
}

/** One SCSI controller of a utility VM and its disks, keyed by LUN. */
export interface MappedVirtualDiskController {
  MappedVirtualDisks: Record<number, MappedVirtualDiskInfo>;
}

/** Decodes one mapped virtual disk; never throws. */
export function decodeMappedVirtualDiskInfo(value: unknown): MappedVirtualDiskInfo {
  const fields = new GoFields(value);
  return {
    HostPath: fields.string('HostPath'),
    ContainerPath: fields.string('ContainerPath'),
    CreateInUtilityVM: fields.bool('CreateInUtilityVM'),
    ReadOnly: fields.bool('ReadOnly'),
    Cache: fields.string('Cache'),
    AttachOnly: fields.bool('AttachOnly'),
  };
}

/** Decodes one controller (`{"MappedVirtualDisks": {"<lun>": {...}}}`); never throws. */
export function decodeMappedVirtualDiskController(value: unknown): MappedVirtualDiskController {
  const fields = new GoFields(value);
  return { MappedVirtualDisks: decodeIntKeyedMap(fields.object('MappedVirtualDisks'), decodeMappedVirtualDiskInfo) };
}

/**
 * Decodes `MappedVirtualDiskControllers` (Go `map[int]MappedVirtualDiskController`): a JSON object whose keys are
 * decimal integers. Keys are read as Go's `strconv.ParseInt` would (an optional sign, then digits, so `"07"` is 7);
 * keys that are not integers, or not safe JavaScript integers, are dropped, as are values that are not objects.
 * When two keys name the same number (`"1"` and `"01"`), the one JavaScript enumerates last wins: `JSON.parse` puts
 * canonical integer keys (`"1"`) before all others, so `"01"` wins whatever the document's order, where Go keeps the
 * later one in the document. HCS writes canonical keys, so the difference needs a document HCS does not send.
 */
export function decodeMappedVirtualDiskControllers(value: unknown): Record<number, MappedVirtualDiskController> {
  return decodeIntKeyedMap(asJsonObject(value), decodeMappedVirtualDiskController);
}

function decodeIntKeyedMap<T>(object: Record<string, unknown> | undefined, decode: (value: unknown) => T): Record<number, T> {
  const out: Record<number, T> = {};
  if (object === undefined) return out;
  for (const [key, item] of Object.entries(object)) {
    if (!/^[+-]?[0-9]+$/.test(key) || asJsonObject(item) === undefined) continue;
    const index = Number(key);
    if (!Number.isSafeInteger(index)) continue;
    // Normalise -0 (from "-0") to 0 so the key reads "0".
    out[index === 0 ? 0 : index] = decode(item);
  }
  return out;
}
