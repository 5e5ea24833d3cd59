/**
 * `hcsshim-ts`: a TypeScript binding to the Windows Host Compute Service legacy API (vmcompute.dll), with
 * hcsshim's `Container`/`Process` surface. Importing this module loads neither koffi nor the DLL: the binding is
 * loaded by the first call that needs HCS.
 *
 * @packageDocumentation
 */

export { createContainer, openContainer } from './api/create-container';
export { getContainers, getServiceProperties } from './api/service-queries';
export { escapeArgs } from './api/escape-args';
export { layerId, nameToGuid } from './api/layers';
export { Container } from './api/container';
export { Process } from './api/process';
export type { OperationOptions, WaitOptions } from './api/handle-ops';
export type { ProcessStdio } from './core/stdio-types';
export { AbortError } from './core/abort';

export {
  HRESULT,
  HcsError,
  codeForHresult,
  hresultName,
  isAccessIsDenied,
  isAlreadyClosed,
  isAlreadyStopped,
  isHcsError,
  isNotExist,
  isNotSupported,
  isOperationInvalidState,
  isPending,
  isTimeout,
  win32FromHresult,
} from './errors';
export type { HcsErrorCode, HcsErrorEvent } from './errors';

export {
  HcsValidationError,
  encodeComputeSystemQuery,
  encodeContainerConfig,
  encodeProcessConfig,
} from '../schemas';
export type {
  AssignedDevice,
  ComputeSystemQuery,
  ContainerConfig,
  ContainerProperties,
  GuestConnectionInfo,
  HvRuntime,
  Layer,
  MappedDir,
  MappedPipe,
  MappedVirtualDisk,
  MappedVirtualDiskController,
  MappedVirtualDiskInfo,
  ProcessConfig,
  ProcessListItem,
  ProcessModifyRequest,
  ProcessStatus,
  ResourceModificationRequestResponse,
  SignalProcessRequest,
  Statistics,
  ValidationIssue,
} from '../schemas';
