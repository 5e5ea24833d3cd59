import { escapeArgs } from '../../../src/api/escape-args';

/**
 * The configurations the benchmarks and the soak use: realistic sizes (a docker-like exec and a container with
 * layers, mapped directories and limits), valid for the schema layer and accepted by the simulator.
 */

/** A typical `docker exec`-like ProcessConfig. */
export const sampleProcessConfig = {
  CommandLine: 'cmd /S /C "echo hello && dir C:\\Windows\\System32"',
  WorkingDirectory: 'C:\\',
  User: 'ContainerUser',
  Environment: { PATH: 'C:\\Windows\\System32;C:\\Windows', TEMP: 'C:\\Temp', LANG: 'en-US', HOME: 'C:\\Users\\app' },
  EmulateConsole: false,
  CreateStdInPipe: true,
  CreateStdOutPipe: true,
  CreateStdErrPipe: true,
  ConsoleSize: [0, 0] as [number, number],
};

/** A Windows Server container config of typical size. */
export const sampleContainerConfig = {
  SystemType: 'Container' as const,
  Name: 'bench-container',
  Owner: 'hcsshim-ts-bench',
  VolumePath: '\\\\?\\Volume{8d1c4e2a-1b2c-4d5e-9f00-112233445566}\\',
  LayerFolderPath: 'C:\\ProgramData\\docker\\windowsfilter\\bench',
  Layers: [
    { ID: '5f0c3a6e-0d6b-5b1c-9f4e-2a7d1e3c4b5a', Path: 'C:\\ProgramData\\docker\\windowsfilter\\layer1' },
    { ID: '7a1b2c3d-4e5f-5a6b-8c7d-9e0f1a2b3c4d', Path: 'C:\\ProgramData\\docker\\windowsfilter\\layer2' },
  ],
  ProcessorCount: 2,
  MemoryMaximumInMB: 2048,
  HostName: 'bench',
  MappedDirectories: [
    { HostPath: 'C:\\data', ContainerPath: 'C:\\data', ReadOnly: true, BandwidthMaximum: 0, IOPSMaximum: 0, CreateInUtilityVM: false },
  ],
  HvPartition: false,
  EndpointList: ['8e4c2f1a-3b5d-4c6e-9f7a-1b2c3d4e5f60'],
};

/** A minimal container config for lifecycle loops. */
export function minimalContainerConfig(name: string) {
  return { SystemType: 'Container' as const, Name: name, Layers: [], HvPartition: false };
}

/** A ProcessConfig that runs `argv` on the simulator's host (Linux: exec'd directly through CommandArgs). */
export function hostProcessConfig(argv: string[], pipes: { stdin?: boolean; stdout?: boolean; stderr?: boolean } = {}) {
  // Why one or the other: given both, the simulator (like Windows HCS) runs CommandLine, which on Linux means an
  // extra /bin/sh per process.
  const command = process.platform === 'win32' ? { CommandLine: escapeArgs(argv) } : { CommandArgs: argv };
  return {
    ...command,
    CreateStdInPipe: pipes.stdin ?? false,
    CreateStdOutPipe: pipes.stdout ?? false,
    CreateStdErrPipe: pipes.stderr ?? false,
  };
}
