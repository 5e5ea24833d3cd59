import * as z from 'zod';
import {
  AssignedDeviceSchema,
  HvRuntimeSchema,
  LayerSchema,
  MappedDirSchema,
  MappedPipeSchema,
  MappedVirtualDiskSchema,
} from './container-parts';
import { goString, list, nilable, nonEmptyString, safeCount, uint32, VOLUME_PATH_PATTERN, weight10000 } from './primitives';

/**
 * The `configuration` document of `HcsCreateComputeSystem` for a container (hcsshim `schema1.ContainerConfig`,
 * the legacy v1 schema). Field names are hcsshim's Go field names, which are the wire keys. Slices, maps and
 * pointers accept `null` as Go's `nil`. `SystemType` defaults to `"Container"`.
 */
export const ContainerConfigSchema = z
  .strictObject({
    SystemType: z.enum(['Container', 'VirtualMachine']).default('Container'),
    Name: nonEmptyString().describe('Container name (Docker uses the container ID).'),
    Owner: goString().optional().describe('Management platform that owns the container.'),
    VolumePath: z
      .string()
      .regex(new RegExp(`^$|${VOLUME_PATH_PATTERN.source}`), {
        error: 'must be a volume GUID path: \\\\?\\Volume{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}, optionally with a trailing backslash',
      })
      .optional()
      .describe('Scratch volume, \\\\?\\Volume{GUID} with or without a trailing backslash.'),
    IgnoreFlushesDuringBoot: z.boolean().optional(),
    LayerFolderPath: goString().optional().describe('The container scratch folder.'),
    Layers: nilable(list(LayerSchema)).describe('Image layers, topmost first.'),
    Credentials: goString().optional().describe('Credential spec (secret: never echoed in errors).'),
    ProcessorCount: uint32().optional(),
    ProcessorWeight: weight10000().optional(),
    ProcessorMaximum: weight10000().optional(),
    StorageIOPSMaximum: safeCount().optional(),
    StorageBandwidthMaximum: safeCount().optional(),
    StorageSandboxSize: safeCount().optional(),
    MemoryMaximumInMB: safeCount().optional(),
    HostName: goString().optional(),
    MappedDirectories: nilable(list(MappedDirSchema)),
    MappedPipes: nilable(list(MappedPipeSchema)),
    HvPartition: z.boolean().optional().describe('true for a Hyper-V isolated container.'),
    NetworkSharedContainerName: goString().optional(),
    EndpointList: nilable(list(goString())).describe('HNS endpoint IDs.'),
    HvRuntime: nilable(HvRuntimeSchema),
    Servicing: z.boolean().optional(),
    AllowUnqualifiedDNSQuery: z.boolean().optional(),
    DNSSearchList: goString().optional().describe('Comma-separated DNS suffixes.'),
    ContainerType: z.enum(['', 'Linux']).optional(),
    TerminateOnLastHandleClosed: z.boolean().optional(),
    MappedVirtualDisks: nilable(list(MappedVirtualDiskSchema)),
    AssignedDevices: nilable(list(AssignedDeviceSchema)),
  })
  .describe('ContainerConfig: the configuration of HcsCreateComputeSystem (hcsshim schema1).');

/** Input type of {@link ContainerConfigSchema}. */
export type ContainerConfig = z.input<typeof ContainerConfigSchema>;
