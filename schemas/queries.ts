import * as z from 'zod';
import { goString, list, nilable } from './primitives';

/**
 * The `query` document of `HcsEnumerateComputeSystems` (hcsshim `schema1.ComputeSystemQuery`). Every list is
 * optional; an empty query (`{}`) matches every compute system. The IDs list is spelled `Ids` on the wire.
 */
export const ComputeSystemQuerySchema = z
  .strictObject({
    Ids: nilable(list(goString())).describe('Compute system IDs.'),
    Types: nilable(list(goString())).describe('System types, e.g. "Container".'),
    Names: nilable(list(goString())),
    Owners: nilable(list(goString())),
  })
  .describe('ComputeSystemQuery: the query of HcsEnumerateComputeSystems.');

/**
 * The property query of `HcsGetComputeSystemProperties` (hcsshim `schema1.PropertyQuery`). Legacy property types:
 * `Statistics`, `ProcessList`, `MappedVirtualDisk`, `GuestConnection`, `PendingUpdates`; other strings are passed
 * through for newer HCS versions.
 */
export const PropertyQuerySchema = z
  .strictObject({
    PropertyTypes: nilable(list(goString().min(1, { error: 'must not be empty' }))).describe(
      'Property types, e.g. "Statistics", "ProcessList", "MappedVirtualDisk".',
    ),
  })
  .describe('PropertyQuery: the query of HcsGetComputeSystemProperties.');

/** Input type of {@link ComputeSystemQuerySchema}. */
export type ComputeSystemQuery = z.input<typeof ComputeSystemQuerySchema>;
/** Input type of {@link PropertyQuerySchema}. */
export type PropertyQuery = z.input<typeof PropertyQuerySchema>;
