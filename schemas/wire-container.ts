import type {
  AssignedDevice,
  HvRuntime,
  Layer,
  MappedDir,
  MappedPipe,
  MappedVirtualDisk,
} from './container-parts';
import type { ContainerConfig } from './container-config';
import { goQuote, goStringArray } from './go-json';

// Hand-written serialisers for validated values, one per Go struct, keys in struct declaration order
// (hcsshim schema1 as of v0.6.12-v0.8.6, the versions the golden vectors pin). `omitempty` fields are written only
// when non-zero; the rest always. Numbers are validated safe integers, so `String(n)` prints what Go prints
// (and turns -0 into 0, as a Go integer has no negative zero).

function str(key: string, value: string | undefined): string {
  return value ? `,"${key}":${goQuote(value)}` : '';
}

function flag(key: string, value: boolean | undefined): string {
  return value === true ? `,"${key}":true` : '';
}

function num(key: string, value: number | undefined): string {
  return value ? `,"${key}":${String(value)}` : '';
}

function list<T>(items: readonly T[], write: (item: T) => string): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + write(items[i]!);
  return out + ']';
}

/** `schema1.Layer`: both fields always present. */
export function writeLayer(layer: Layer): string {
  return `{"ID":${goQuote(layer.ID)},"Path":${goQuote(layer.Path)}}`;
}

/** `schema1.MappedDir`: every field always present except `LinuxMetadata` (omitempty). */
export function writeMappedDir(dir: MappedDir): string {
  return (
    `{"HostPath":${goQuote(dir.HostPath)},"ContainerPath":${goQuote(dir.ContainerPath)}` +
    `,"ReadOnly":${dir.ReadOnly === true},"BandwidthMaximum":${String(dir.BandwidthMaximum ?? 0)}` +
    `,"IOPSMaximum":${String(dir.IOPSMaximum ?? 0)},"CreateInUtilityVM":${dir.CreateInUtilityVM === true}` +
    flag('LinuxMetadata', dir.LinuxMetadata) +
    '}'
  );
}

/** `schema1.MappedPipe`: both fields always present. */
export function writeMappedPipe(pipe: MappedPipe): string {
  return `{"HostPath":${goQuote(pipe.HostPath)},"ContainerPipeName":${goQuote(pipe.ContainerPipeName)}}`;
}

/** `schema1.HvRuntime`: every field omitempty, so an empty runtime is `{}`. */
export function writeHvRuntime(rt: HvRuntime): string {
  const body =
    str('ImagePath', rt.ImagePath) +
    flag('SkipTemplate', rt.SkipTemplate) +
    str('LinuxInitrdFile', rt.LinuxInitrdFile) +
    str('LinuxKernelFile', rt.LinuxKernelFile) +
    str('LinuxBootParameters', rt.LinuxBootParameters) +
    str('BootSource', rt.BootSource) +
    flag('WritableBootSource', rt.WritableBootSource);
  return '{' + body.slice(1) + '}';
}

/**
 * `schema1.MappedVirtualDisk`. `ContainerPath` has no omitempty. `AttachOnly` is always present too: up to
 * hcsshim v0.8.6 its tag was the malformed `json:",omitempty:` (no closing quote), which Go's tag parser ignores
 * entirely, so encoding/json fell back to the field name with no options (fixed in v0.8.7, hcsshim issue #620).
 */
export function writeMappedVirtualDisk(disk: MappedVirtualDisk): string {
  return (
    '{' +
    (disk.HostPath ? `"HostPath":${goQuote(disk.HostPath)},` : '') +
    `"ContainerPath":${goQuote(disk.ContainerPath ?? '')}` +
    flag('CreateInUtilityVM', disk.CreateInUtilityVM) +
    flag('ReadOnly', disk.ReadOnly) +
    str('Cache', disk.Cache) +
    `,"AttachOnly":${disk.AttachOnly === true}}`
  );
}

/** `schema1.AssignedDevice`: `InterfaceClassGuid` is omitempty. */
export function writeAssignedDevice(device: AssignedDevice): string {
  return device.InterfaceClassGuid ? `{"InterfaceClassGuid":${goQuote(device.InterfaceClassGuid)}}` : '{}';
}

/**
 * `schema1.ContainerConfig`. Always present: `SystemType` (default "Container"), `Name`, `Layers` (`null` when
 * nil) and `HvPartition`; everything else is omitempty (nil or empty slices are left out, a non-nil `HvRuntime`
 * pointer is written even when empty).
 */
export function writeContainerConfig(c: ContainerConfig): string {
  let s = `{"SystemType":${goQuote(c.SystemType ?? 'Container')},"Name":${goQuote(c.Name)}`;
  s += str('Owner', c.Owner) + str('VolumePath', c.VolumePath) + flag('IgnoreFlushesDuringBoot', c.IgnoreFlushesDuringBoot);
  s += str('LayerFolderPath', c.LayerFolderPath);
  s += ',"Layers":' + (c.Layers == null ? 'null' : list(c.Layers, writeLayer));
  s += str('Credentials', c.Credentials);
  s += num('ProcessorCount', c.ProcessorCount) + num('ProcessorWeight', c.ProcessorWeight);
  s += num('ProcessorMaximum', c.ProcessorMaximum) + num('StorageIOPSMaximum', c.StorageIOPSMaximum);
  s += num('StorageBandwidthMaximum', c.StorageBandwidthMaximum) + num('StorageSandboxSize', c.StorageSandboxSize);
  s += num('MemoryMaximumInMB', c.MemoryMaximumInMB) + str('HostName', c.HostName);
  if (c.MappedDirectories && c.MappedDirectories.length > 0) {
    s += ',"MappedDirectories":' + list(c.MappedDirectories, writeMappedDir);
  }
  if (c.MappedPipes && c.MappedPipes.length > 0) s += ',"MappedPipes":' + list(c.MappedPipes, writeMappedPipe);
  s += `,"HvPartition":${c.HvPartition === true}`;
  s += str('NetworkSharedContainerName', c.NetworkSharedContainerName);
  if (c.EndpointList && c.EndpointList.length > 0) s += ',"EndpointList":' + goStringArray(c.EndpointList);
  if (c.HvRuntime != null) s += ',"HvRuntime":' + writeHvRuntime(c.HvRuntime);
  s += flag('Servicing', c.Servicing) + flag('AllowUnqualifiedDNSQuery', c.AllowUnqualifiedDNSQuery);
  s += str('DNSSearchList', c.DNSSearchList) + str('ContainerType', c.ContainerType);
  s += flag('TerminateOnLastHandleClosed', c.TerminateOnLastHandleClosed);
  if (c.MappedVirtualDisks && c.MappedVirtualDisks.length > 0) {
    s += ',"MappedVirtualDisks":' + list(c.MappedVirtualDisks, writeMappedVirtualDisk);
  }
  if (c.AssignedDevices && c.AssignedDevices.length > 0) {
    s += ',"AssignedDevices":' + list(c.AssignedDevices, writeAssignedDevice);
  }
  return s + '}';
}
