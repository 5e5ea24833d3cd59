import * as z from 'zod';
import { anyJson } from './json-value';
import { nonEmptyString, uint16 } from './primitives';

/**
 * The `configuration` document of `HcsModifyComputeSystem` in the legacy API (hcsshim
 * `ResourceModificationRequestResponse`): `ResourceType` (e.g. `Network`, `MappedVirtualDisk`), `Settings` (any JSON
 * value; sent as `null` when absent) and `RequestType` (`Add` or `Remove`).
 */
export const ResourceModificationRequestResponseSchema = z
  .strictObject({
    ResourceType: nonEmptyString().describe('e.g. "Network" or "MappedVirtualDisk".'),
    Settings: anyJson().optional().describe('The resource settings: any JSON value (an endpoint ID string for Network).'),
    RequestType: z.enum(['', 'Add', 'Remove']).optional(),
  })
  .describe('ResourceModificationRequestResponse: the configuration of HcsModifyComputeSystem (legacy).');

/** `HcsModifyProcess` request that resizes the console (hcsshim `processModifyRequest` with `ConsoleSize`). */
export const ConsoleSizeRequestSchema = z.strictObject({
  Operation: z.literal('ConsoleSize'),
  ConsoleSize: z.strictObject({
    Height: uint16(),
    Width: uint16(),
  }),
});

/** `HcsModifyProcess` request that closes one of the process's standard handles (e.g. stdin). */
export const CloseHandleRequestSchema = z.strictObject({
  Operation: z.literal('CloseHandle'),
  CloseHandle: z.strictObject({
    Handle: z.enum(['StdIn', 'StdOut', 'StdErr', 'All']),
  }),
});

/**
 * The `settings` document of `HcsModifyProcess`: `{Operation: "ConsoleSize", ConsoleSize: {Height, Width}}` or
 * `{Operation: "CloseHandle", CloseHandle: {Handle: "StdIn"}}`.
 */
export const ProcessModifyRequestSchema = z
  .discriminatedUnion('Operation', [ConsoleSizeRequestSchema, CloseHandleRequestSchema])
  .describe('ProcessModifyRequest: the settings of HcsModifyProcess.');

/** The Windows console control events HCS can deliver to a process in a Windows container. */
export const WindowsSignalSchema = z.enum(['CtrlC', 'CtrlBreak', 'CtrlClose', 'CtrlLogOff', 'CtrlShutdown']);

/**
 * The `options` document of `HcsSignalProcess`: a console control event name for Windows containers
 * (`{"Signal":"CtrlC"}`) or a Linux signal number for Linux containers (`{"Signal":15}`).
 */
export const SignalProcessRequestSchema = z
  .strictObject({
    Signal: z.union([WindowsSignalSchema, z.int().min(0).max(2147483647)], {
      error: 'must be one of "CtrlC", "CtrlBreak", "CtrlClose", "CtrlLogOff", "CtrlShutdown", or a signal number',
    }),
  })
  .describe('SignalProcessRequest: the options of HcsSignalProcess.');

/** Input type of {@link ResourceModificationRequestResponseSchema}. */
export type ResourceModificationRequestResponse = z.input<typeof ResourceModificationRequestResponseSchema>;
/** Input type of {@link ProcessModifyRequestSchema}. */
export type ProcessModifyRequest = z.input<typeof ProcessModifyRequestSchema>;
/** Input type of {@link SignalProcessRequestSchema}. */
export type SignalProcessRequest = z.input<typeof SignalProcessRequestSchema>;
