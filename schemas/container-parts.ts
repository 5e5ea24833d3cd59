import * as z from 'zod';
import { goString, guidString, nonEmptyString, safeCount } from './primitives';

const GUID_OR_EMPTY = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})?$/;

/**
 * A read-only image layer of a container (hcsshim `schema1.Layer`): `ID` is the layer GUID (hcsshim derives it
 * with `NameToGuid` from the layer folder name) and `Path` the layer folder.
 */
export const LayerSchema = z
  .strictObject({
    ID: guidString().describe('Layer GUID, xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx.'),
    Path: nonEmptyString().describe('Layer folder on the host.'),
  })
  .describe('A read-only image layer.');

/** A host directory mapped into the container (hcsshim `schema1.MappedDir`). */
export const MappedDirSchema = z
  .strictObject({
    HostPath: nonEmptyString(),
    ContainerPath: nonEmptyString(),
    ReadOnly: z.boolean().optional(),
    BandwidthMaximum: safeCount().optional(),
    IOPSMaximum: safeCount().optional(),
    CreateInUtilityVM: z.boolean().optional(),
    /** RS4+; sent only when true. */
    LinuxMetadata: z.boolean().optional(),
  })
  .describe('A host directory mapped into the container.');

/** A host named pipe mapped into the container (hcsshim `schema1.MappedPipe`). */
export const MappedPipeSchema = z
  .strictObject({
    HostPath: nonEmptyString(),
    ContainerPipeName: nonEmptyString(),
  })
  .describe('A host named pipe mapped into the container.');

/** The utility VM of a Hyper-V isolated container (hcsshim `schema1.HvRuntime`); every field is optional. */
export const HvRuntimeSchema = z
  .strictObject({
    ImagePath: goString().optional(),
    SkipTemplate: z.boolean().optional(),
    LinuxInitrdFile: goString().optional(),
    LinuxKernelFile: goString().optional(),
    LinuxBootParameters: goString().optional(),
    BootSource: z.enum(['', 'Vhd']).optional(),
    WritableBootSource: z.boolean().optional(),
  })
  .describe('Utility VM settings of a Hyper-V isolated container.');

/**
 * A virtual disk attached to the container or its utility VM (hcsshim `schema1.MappedVirtualDisk`). `ContainerPath`
 * and `AttachOnly` are always sent (the latter because of hcsshim's malformed struct tag up to v0.8.6).
 */
export const MappedVirtualDiskSchema = z
  .strictObject({
    HostPath: goString().optional(),
    ContainerPath: goString().optional(),
    CreateInUtilityVM: z.boolean().optional(),
    ReadOnly: z.boolean().optional(),
    Cache: z.enum(['', 'Disabled', 'Enabled', 'Private', 'PrivateAllowSharing']).optional(),
    AttachOnly: z.boolean().optional(),
  })
  .describe('A virtual disk (VHD/VHDX) attached to the container.');

/** A host device assigned to the container by device interface class (hcsshim `schema1.AssignedDevice`). */
export const AssignedDeviceSchema = z
  .strictObject({
    InterfaceClassGuid: z
      .string()
      .regex(GUID_OR_EMPTY, { error: 'must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, hex digits) or empty' })
      .optional()
      .describe('Device interface class GUID.'),
  })
  .describe('A host device assigned by interface class GUID.');

/** Input type of {@link LayerSchema}. */
export type Layer = z.input<typeof LayerSchema>;
/** Input type of {@link MappedDirSchema}. */
export type MappedDir = z.input<typeof MappedDirSchema>;
/** Input type of {@link MappedPipeSchema}. */
export type MappedPipe = z.input<typeof MappedPipeSchema>;
/** Input type of {@link HvRuntimeSchema}. */
export type HvRuntime = z.input<typeof HvRuntimeSchema>;
/** Input type of {@link MappedVirtualDiskSchema}. */
export type MappedVirtualDisk = z.input<typeof MappedVirtualDiskSchema>;
/** Input type of {@link AssignedDeviceSchema}. */
export type AssignedDevice = z.input<typeof AssignedDeviceSchema>;
