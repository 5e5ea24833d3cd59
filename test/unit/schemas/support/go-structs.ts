/**
 * An independent, table-driven model of what Go's encoding/json emits for hcsshim's schema1 structs, written from
 * the struct declarations (field order, Go kind, omitempty) in the reference, not from the encoder. Tests compare
 * the encoder's output with {@link goExpected}, and round-trip through {@link goCanonical}.
 */
import { OrderedObject, OrderedValue, toOrdered } from './ordered-json';

type Kind = 'string' | 'bool' | 'int' | 'strings' | 'stringMap' | 'uint2' | 'raw' | 'any' | 'signal';

/** One Go struct field. */
export interface GoField {
  key: string;
  kind: Kind | { struct: StructName; slice?: boolean };
  omitempty: boolean;
  /** The value a missing input field takes, when not Go's zero value (SystemType). */
  fallback?: unknown;
}

/** The structs the encoders emit. */
export type StructName =
  | 'ContainerConfig'
  | 'Layer'
  | 'MappedDir'
  | 'MappedPipe'
  | 'HvRuntime'
  | 'MappedVirtualDisk'
  | 'AssignedDevice'
  | 'ProcessConfig'
  | 'ComputeSystemQuery'
  | 'PropertyQuery'
  | 'ResourceModificationRequestResponse'
  | 'ProcessModifyRequest'
  | 'ConsoleSize'
  | 'CloseHandle'
  | 'SignalProcessRequest';

const f = (key: string, kind: GoField['kind'], omitempty: boolean, fallback?: unknown): GoField => ({
  key,
  kind,
  omitempty,
  fallback,
});

/** Field tables in Go declaration order (hcs-legacy-api.md 6.1 to 6.12; schema1 of hcsshim v0.6.12-v0.8.6). */
export const GO_STRUCTS: Record<StructName, GoField[]> = {
  ContainerConfig: [
    f('SystemType', 'string', false, 'Container'),
    f('Name', 'string', false),
    f('Owner', 'string', true),
    f('VolumePath', 'string', true),
    f('IgnoreFlushesDuringBoot', 'bool', true),
    f('LayerFolderPath', 'string', true),
    f('Layers', { struct: 'Layer', slice: true }, false),
    f('Credentials', 'string', true),
    f('ProcessorCount', 'int', true),
    f('ProcessorWeight', 'int', true),
    f('ProcessorMaximum', 'int', true),
    f('StorageIOPSMaximum', 'int', true),
    f('StorageBandwidthMaximum', 'int', true),
    f('StorageSandboxSize', 'int', true),
    f('MemoryMaximumInMB', 'int', true),
    f('HostName', 'string', true),
    f('MappedDirectories', { struct: 'MappedDir', slice: true }, true),
    f('MappedPipes', { struct: 'MappedPipe', slice: true }, true),
    f('HvPartition', 'bool', false),
    f('NetworkSharedContainerName', 'string', true),
    f('EndpointList', 'strings', true),
    f('HvRuntime', { struct: 'HvRuntime' }, true),
    f('Servicing', 'bool', true),
    f('AllowUnqualifiedDNSQuery', 'bool', true),
    f('DNSSearchList', 'string', true),
    f('ContainerType', 'string', true),
    f('TerminateOnLastHandleClosed', 'bool', true),
    f('MappedVirtualDisks', { struct: 'MappedVirtualDisk', slice: true }, true),
    f('AssignedDevices', { struct: 'AssignedDevice', slice: true }, true),
  ],
  Layer: [f('ID', 'string', false), f('Path', 'string', false)],
  MappedDir: [
    f('HostPath', 'string', false),
    f('ContainerPath', 'string', false),
    f('ReadOnly', 'bool', false),
    f('BandwidthMaximum', 'int', false),
    f('IOPSMaximum', 'int', false),
    f('CreateInUtilityVM', 'bool', false),
    f('LinuxMetadata', 'bool', true),
  ],
  MappedPipe: [f('HostPath', 'string', false), f('ContainerPipeName', 'string', false)],
  HvRuntime: [
    f('ImagePath', 'string', true),
    f('SkipTemplate', 'bool', true),
    f('LinuxInitrdFile', 'string', true),
    f('LinuxKernelFile', 'string', true),
    f('LinuxBootParameters', 'string', true),
    f('BootSource', 'string', true),
    f('WritableBootSource', 'bool', true),
  ],
  MappedVirtualDisk: [
    f('HostPath', 'string', true),
    f('ContainerPath', 'string', false),
    f('CreateInUtilityVM', 'bool', true),
    f('ReadOnly', 'bool', true),
    f('Cache', 'string', true),
    // The malformed `json:",omitempty:` tag of v0.6.0-v0.8.6 is ignored by Go: always present.
    f('AttachOnly', 'bool', false),
  ],
  AssignedDevice: [f('InterfaceClassGuid', 'string', true)],
  ProcessConfig: [
    f('ApplicationName', 'string', true),
    f('CommandLine', 'string', true),
    f('CommandArgs', 'strings', true),
    f('User', 'string', true),
    f('WorkingDirectory', 'string', true),
    f('Environment', 'stringMap', true),
    f('EmulateConsole', 'bool', true),
    f('CreateStdInPipe', 'bool', true),
    f('CreateStdOutPipe', 'bool', true),
    f('CreateStdErrPipe', 'bool', true),
    // [2]uint: omitempty never omits a non-zero-length array.
    f('ConsoleSize', 'uint2', true),
    f('CreateInUtilityVm', 'bool', true),
    f('OCISpecification', 'raw', true),
  ],
  ComputeSystemQuery: [
    f('Ids', 'strings', true),
    f('Types', 'strings', true),
    f('Names', 'strings', true),
    f('Owners', 'strings', true),
  ],
  PropertyQuery: [f('PropertyTypes', 'strings', true)],
  ResourceModificationRequestResponse: [
    f('ResourceType', 'string', false),
    f('Settings', 'any', false),
    f('RequestType', 'string', true),
  ],
  ProcessModifyRequest: [
    f('Operation', 'string', false),
    f('ConsoleSize', { struct: 'ConsoleSize' }, true),
    f('CloseHandle', { struct: 'CloseHandle' }, true),
  ],
  ConsoleSize: [f('Height', 'int', false), f('Width', 'int', false)],
  CloseHandle: [f('Handle', 'string', false)],
  SignalProcessRequest: [f('Signal', 'signal', true)],
};

/** The string a Go program would hold: unpaired surrogates replaced by U+FFFD (what a UTF-8 round trip does). */
export function goText(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function goTextDeep(value: unknown): unknown {
  if (typeof value === 'string') return goText(value);
  if (Array.isArray(value)) return value.map(goTextDeep);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) Object.defineProperty(out, goText(k), { value: goTextDeep(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

function isZero(field: GoField, v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof field.kind === 'object') return field.kind.slice === true ? (v as unknown[]).length === 0 : false;
  switch (field.kind) {
    case 'string':
      return v === '';
    case 'bool':
      return v === false;
    case 'int':
    case 'signal':
      return v === 0 || v === '';
    case 'strings':
      return (v as unknown[]).length === 0;
    case 'stringMap':
      return Object.keys(v as object).length === 0;
    case 'uint2':
      return false;
    default:
      return false;
  }
}

function expectedValue(field: GoField, v: unknown): OrderedValue {
  if (typeof field.kind === 'object') {
    const { struct, slice } = field.kind;
    if (v === undefined || v === null) return null;
    return slice ? (v as unknown[]).map((item) => goExpected(struct, item)) : goExpected(struct, v);
  }
  switch (field.kind) {
    case 'string':
      return goText((v ?? field.fallback ?? '') as string);
    case 'bool':
      return v === true;
    case 'int':
      return (v ?? 0) as number;
    case 'signal':
      return typeof v === 'string' ? goText(v) : ((v ?? 0) as number);
    case 'strings':
      return v == null ? null : (v as string[]).map(goText);
    case 'stringMap': {
      if (v == null) return null;
      const entries = Object.keys(v as object).map((k) => [goText(k), goText((v as Record<string, string>)[k]!)] as [string, string]);
      entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
      return { o: entries };
    }
    case 'uint2':
      return ((v ?? [0, 0]) as number[]).slice();
    case 'raw':
    case 'any':
      return v === undefined ? null : toOrdered(goTextDeep(v));
  }
}

/**
 * What Go's encoding/json writes for `value` read into struct `name` (missing fields = Go zero values), as an
 * ordered tree: keys in declaration order, omitempty fields only when non-zero.
 */
export function goExpected(name: StructName, value: unknown): OrderedObject {
  const input = (value ?? {}) as Record<string, unknown>;
  const o: [string, OrderedValue][] = [];
  for (const field of GO_STRUCTS[name]) {
    const v = input[field.key];
    if (field.omitempty && field.kind !== 'uint2' && isZero(field, v)) continue;
    o.push([field.key, expectedValue(field, v)]);
  }
  return { o };
}

/**
 * The value a Go program holds after decoding `value` into struct `name`, as a plain object with every field:
 * zero values filled in, and (for omitempty slices and maps, where Go cannot tell the difference on the wire)
 * empty collections folded into nil. Two inputs that Go would send identically have equal canonical forms.
 */
export function goCanonical(name: StructName, value: unknown): Record<string, unknown> {
  const input = (value ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const field of GO_STRUCTS[name]) {
    const v = input[field.key];
    if (field.omitempty && isZero(field, v) && field.kind !== 'uint2') {
      out[field.key] = typeof field.kind === 'object' || ['strings', 'stringMap', 'raw', 'any'].includes(field.kind) ? null : zeroOf(field);
      continue;
    }
    if (typeof field.kind === 'object') {
      const { struct, slice } = field.kind;
      out[field.key] = v == null ? null : slice ? (v as unknown[]).map((item) => goCanonical(struct, item)) : goCanonical(struct, v);
      continue;
    }
    switch (field.kind) {
      case 'stringMap': {
        const m: Record<string, string> = {};
        for (const k of Object.keys(v as object)) m[goText(k)] = goText((v as Record<string, string>)[k]!);
        out[field.key] = m;
        break;
      }
      case 'raw':
      case 'any':
        out[field.key] = v === undefined ? null : goTextDeep(v);
        break;
      default: {
        const ordered = expectedValue(field, v);
        out[field.key] = ordered;
      }
    }
  }
  return out;
}

function zeroOf(field: GoField): unknown {
  switch (field.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
    case 'signal':
      return 0;
    default:
      return null;
  }
}
