/**
 * The main demo (`npm start`): create a container, start it, run one command in it with stdout and stderr streamed
 * to this terminal, print the command's exit code, then shut the container down, wait for it and close it.
 *
 * On Windows it drives the machine's real Host Compute Service and builds the container configuration from flags.
 * Anywhere else there is no HCS, so it builds the project's simulator of vmcompute.dll (test/sim) when needed,
 * points `HCS_VMCOMPUTE_DLL` at it and says so in its first line of output.
 *
 *   npm start
 *   npm start -- --command "echo hi; exit 3"
 *   npx tsx examples/create-and-exec.ts --image C:\ProgramData\docker\windowsfilter\<base layer> \
 *       --layer-folder C:\ProgramData\docker\windowsfilter\<container scratch> --command "cmd /c ver"
 *
 * The program's exit code is the command's exit code (1 for a failure of the demo itself).
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { interruption } from './lib/interrupt';
import { buildSimulatorIfChosen, reportFatal, selectHcs, simulatorContainerConfig } from './lib/simulator';

type Hcs = typeof import('../src');
type ContainerConfig = Parameters<Hcs['createContainer']>[1];
type ProcessConfig = Parameters<Awaited<ReturnType<Hcs['createContainer']>>['createProcess']>[0];

const onWindows = process.platform === 'win32';

const usage = `Usage: npm start -- [options] [-- command args...]

Options:
  --command "<command line>"  the command to run (Windows: a command line; elsewhere: run by /bin/sh -c)
  --id <id>                   the compute system id (default: a new GUID)
  --image <path>              Windows: the base image layer folder (required on Windows)
  --layer <path>              Windows: a parent layer folder above the base, top-most first (repeatable)
  --layer-folder <path>       Windows: the container's own writable layer folder (required on Windows)
  --volume <path>             Windows: the mounted scratch volume (\\\\?\\Volume{GUID}\\), if already prepared
  --hyperv                    Windows: run as a Hyper-V isolated container
  -h, --help                  show this help

A layer given as a plain folder gets the ID hcsshim gives it (NameToGuid of the folder name); give it
as <guid>=<path> to set the ID explicitly.`;

interface Options {
  command?: string;
  args: string[];
  id: string;
  image?: string;
  layers: string[];
  layerFolder?: string;
  volume?: string;
  hyperv: boolean;
}

function parseOptions(): Options {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      command: { type: 'string' },
      id: { type: 'string' },
      image: { type: 'string' },
      layer: { type: 'string', multiple: true },
      'layer-folder': { type: 'string' },
      volume: { type: 'string' },
      hyperv: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return {
    command: values.command,
    args: positionals,
    id: values.id ?? randomUUID(),
    image: values.image,
    layers: values.layer ?? [],
    layerFolder: values['layer-folder'],
    volume: values.volume,
    hyperv: values.hyperv ?? false,
  };
}

/** Splits `<guid>=<path>` into its parts; a plain path gets the ID hcsshim gives it (NameToGuid of its folder name). */
async function layer(hcs: Hcs, spec: string): Promise<{ ID: string; Path: string }> {
  const m = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})=(.+)$/.exec(spec);
  if (m) return { ID: m[1].toLowerCase(), Path: m[2] };
  return { ID: await hcs.layerId(spec), Path: spec };
}

async function containerConfig(hcs: Hcs, opts: Options): Promise<ContainerConfig> {
  if (!onWindows) {
    return simulatorContainerConfig(opts.id, 'hcsshim-ts-demo');
  }
  if (!opts.image) throw new Error('--image <base layer folder> is required on Windows (see --help)');
  if (!opts.layerFolder) throw new Error("--layer-folder <the container's writable layer folder> is required on Windows");
  const layers = await Promise.all([...opts.layers, opts.image].map((spec) => layer(hcs, spec)));
  return {
    SystemType: 'Container',
    Name: opts.id,
    Owner: 'hcsshim-ts-demo',
    ...(opts.volume ? { VolumePath: opts.volume } : {}),
    LayerFolderPath: opts.layerFolder,
    Layers: layers,
    HvPartition: opts.hyperv,
    ...(opts.hyperv ? { HvRuntime: { ImagePath: path.win32.join(opts.image, 'UtilityVM') } } : {}),
  } as ContainerConfig;
}

function processConfig(hcs: Hcs, opts: Options): ProcessConfig {
  const pipes = { CreateStdInPipe: false, CreateStdOutPipe: true, CreateStdErrPipe: true };
  if (opts.args.length > 0) {
    return (onWindows ? { CommandLine: hcs.escapeArgs(opts.args), ...pipes } : { CommandArgs: opts.args, ...pipes }) as ProcessConfig;
  }
  const fallback = onWindows
    ? 'cmd /S /C "echo hello from a Windows container & ver & echo this line goes to stderr 1>&2"'
    : 'echo "hello from a simulated container"; uname -s; echo "this line goes to stderr" >&2';
  return { CommandLine: opts.command ?? fallback, ...pipes } as ProcessConfig;
}

async function main(): Promise<number> {
  const opts = parseOptions();
  process.stdout.write(`${selectHcs()}\n`);
  buildSimulatorIfChosen();

  // Loaded only now, after the library has been chosen; require() keeps the example CommonJS like the package.
  const hcs: typeof import('../src') = require('../src');
  const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);
  // Ctrl-C, SIGTERM or a closed stdout end the waits below, and the catch clean-up terminates the container.
  const stop = interruption();
  const { signal } = stop;

  let container: Awaited<ReturnType<Hcs['createContainer']>>;
  try {
    container = await hcs.createContainer(opts.id, await containerConfig(hcs, opts), { signal });
  } catch (err) {
    // An abandoned create terminates and closes what it made by itself (in the background, before Node exits).
    stop.dispose();
    if (stop.exitCode() === undefined) throw err;
    return stop.exitCode()!;
  }
  try {
    say(`created container ${container.id}`);
    await container.start({ signal });
    say('started');

    const proc = await container.createProcess(processConfig(hcs, opts));
    let exitCode: number;
    try {
      say(`process ${proc.pid} running`);
      const { stdout, stderr } = await proc.stdio();
      // end: false keeps this program's own stdout and stderr open after the command's streams end.
      stdout?.pipe(process.stdout, { end: false });
      stderr?.pipe(process.stderr, { end: false });
      exitCode = await proc.wait({ signal });
      // The exit notification may come before the last output: wait until both streams have delivered everything.
      await Promise.all([stdout && finished(stdout, { signal }), stderr && finished(stderr, { signal })]);
    } finally {
      await proc.close();
    }
    say(`process exited with code ${exitCode}`);

    await container.shutdown();
    try {
      await container.waitTimeout(30_000);
    } catch (err) {
      if (!hcs.isTimeout(err)) throw err;
      say('shutdown took longer than 30 s: terminating');
      await container.terminate();
      await container.wait();
    }
    say('container stopped');
    return exitCode;
  } catch (err) {
    // Leave nothing running behind a failed or interrupted demo.
    await container.terminate().catch(() => undefined);
    const interrupted = stop.exitCode();
    if (interrupted === undefined) throw err;
    process.stderr.write(`[demo] ${(signal.reason as Error).message}: container terminated\n`);
    return interrupted;
  } finally {
    await container.close();
    stop.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => reportFatal('create-and-exec', err),
);
