import type { DocumentKind } from '../../../../schemas';

const GUID = '1c0e4a8e-5b2f-4c1d-9e3a-7f6b5d4c3b2a';
const container = (extra: Record<string, unknown>) => ({ Name: 'c1', ...extra });

/**
 * Every object of every input document, with an unknown key added at one place: each must be strict. Used by the zod
 * validation test and by the JSON Schema test (ajv must refuse the same documents).
 */
export const unknownKeyEverywhere: [string, DocumentKind, unknown, string][] = [
  ['ContainerConfig', 'container', container({ Extra: 1 }), 'Extra'],
  ['Layer', 'container', container({ Layers: [{ ID: GUID, Path: 'p', Extra: 1 }] }), 'Layers[0].Extra'],
  ['MappedDir', 'container', container({ MappedDirectories: [{ HostPath: 'h', ContainerPath: 'c', Extra: 1 }] }), 'MappedDirectories[0].Extra'],
  ['MappedPipe', 'container', container({ MappedPipes: [{ HostPath: 'h', ContainerPipeName: 'p', Extra: 1 }] }), 'MappedPipes[0].Extra'],
  ['HvRuntime', 'container', container({ HvRuntime: { Extra: 1 } }), 'HvRuntime.Extra'],
  ['MappedVirtualDisk', 'container', container({ MappedVirtualDisks: [{ HostPath: 'h', Extra: 1 }] }), 'MappedVirtualDisks[0].Extra'],
  ['AssignedDevice', 'container', container({ AssignedDevices: [{ InterfaceClassGuid: GUID, Extra: 1 }] }), 'AssignedDevices[0].Extra'],
  ['ProcessConfig', 'process', { CommandLine: 'x', Extra: 1 }, 'Extra'],
  ['ComputeSystemQuery', 'query', { Ids: [], Extra: 1 }, 'Extra'],
  ['PropertyQuery', 'property-query', { PropertyTypes: ['Statistics'], Extra: 1 }, 'Extra'],
  ['ResourceModificationRequestResponse', 'modify', { ResourceType: 'Network', Extra: 1 }, 'Extra'],
  ['ConsoleSize request', 'process-modify', { Operation: 'ConsoleSize', ConsoleSize: { Height: 1, Width: 1 }, Extra: 1 }, 'Extra'],
  ['ConsoleSize payload', 'process-modify', { Operation: 'ConsoleSize', ConsoleSize: { Height: 1, Width: 1, Extra: 1 } }, 'ConsoleSize.Extra'],
  ['CloseHandle request', 'process-modify', { Operation: 'CloseHandle', CloseHandle: { Handle: 'StdIn' }, Extra: 1 }, 'Extra'],
  ['CloseHandle payload', 'process-modify', { Operation: 'CloseHandle', CloseHandle: { Handle: 'StdIn', Extra: 1 } }, 'CloseHandle.Extra'],
  ['SignalProcessRequest', 'signal', { Signal: 'CtrlC', Extra: 1 }, 'Extra'],
];
