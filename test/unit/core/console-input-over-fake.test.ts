import { keepAlive } from '../../../src/core/keep-alive';
import { HcsValidationError } from '../../../schemas';
import type { FakeVmcompute } from '../../support/fake-vmcompute';
import { containerOverFake } from './support/over-fake';

// A console process (EmulateConsole) without CreateStdInPipe: the binding asks HCS for a stdin pipe anyway (ConPTY
// ends a console process started without one) and keeps it to itself until close() or closeStdin().

/** A container over the fake whose stdio opener records every set of raw handles it is given (to wrap or close). */
const setup = containerOverFake;

/** The next HcsCreateProcess returns process 0x77 with these pipe handles. */
function createReturns(fake: FakeVmcompute, stdInput: bigint, stdOutput: bigint): void {
  fake.once('createProcess', () => ({
    hr: 0,
    result: null,
    value: { process: 0x77n, info: { processId: 5, stdInput, stdOutput, stdError: 0n } },
  }));
  fake.openHandles.add(0x77n);
}

/** A console process without CreateStdInPipe whose HcsCreateProcess returned stdin 11 and stdout 12. */
async function consoleWithoutStdin() {
  const { fake, c, opened } = await setup();
  createReturns(fake, 11n, 12n);
  const p = await c.createProcess({ CommandLine: 'x', EmulateConsole: true, CreateStdOutPipe: true });
  return { fake, c, opened, p };
}

const sentDocuments = (fake: FakeVmcompute) => fake.callsOf('createProcess').map((args) => JSON.parse(args[1] as string) as Record<string, unknown>);

afterEach(() => {
  expect(keepAlive.count).toBe(0);
});

describe('console processes without CreateStdInPipe', () => {
  it('ask HCS for a stdin pipe; every other config is sent as given', async () => {
    const { fake, c } = await setup();
    const configs = [
      { CommandLine: 'a', EmulateConsole: true },
      { CommandLine: 'b', EmulateConsole: true, CreateStdInPipe: false, CreateStdOutPipe: true },
      { CommandLine: 'c', EmulateConsole: true, CreateStdInPipe: true },
      { CommandLine: 'd', EmulateConsole: false, CreateStdOutPipe: true },
      { CommandLine: 'e', CreateStdOutPipe: true },
    ];
    for (const cfg of configs) await (await c.createProcess(cfg)).close();
    expect(sentDocuments(fake).map((d) => [d.CommandLine, d.CreateStdInPipe])).toEqual([
      ['a', true],
      ['b', true],
      ['c', true],
      ['d', undefined],
      ['e', undefined],
    ]);
    // Otherwise the same document: only the one field differs.
    expect(fake.callsOf('createProcess')[1]![1]).toBe('{"CommandLine":"b","EmulateConsole":true,"CreateStdInPipe":true,"CreateStdOutPipe":true,"ConsoleSize":[0,0]}');
    await c.close();
  });

  it('send the document that was validated, read once: getters and inherited fields are not lost', async () => {
    const { fake, c } = await setup();
    let reads = 0;
    class ConsoleSpec {
      get CommandLine(): string {
        reads++;
        return 'from-getter';
      }
      get EmulateConsole(): boolean {
        return true;
      }
    }
    const spec = new ConsoleSpec();
    const inherited = Object.create({ CommandLine: 'inherited', EmulateConsole: true, CreateStdOutPipe: true }) as object;
    await (await c.createProcess(spec as never)).close();
    await (await c.createProcess(inherited as never)).close();
    expect(fake.callsOf('createProcess').map((args) => args[1])).toEqual([
      '{"CommandLine":"from-getter","EmulateConsole":true,"CreateStdInPipe":true,"ConsoleSize":[0,0]}',
      '{"CommandLine":"inherited","EmulateConsole":true,"CreateStdInPipe":true,"CreateStdOutPipe":true,"ConsoleSize":[0,0]}',
    ]);
    expect(reads).toBe(1);
    await c.close();
  });

  it('report an invalid CreateStdInPipe instead of overwriting it, before any call', async () => {
    const { fake, c } = await setup();
    const err = await c.createProcess({ CommandLine: 'x', EmulateConsole: true, CreateStdInPipe: 'no' } as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HcsValidationError);
    expect((err as HcsValidationError).issues.map((i) => i.path)).toEqual(['CreateStdInPipe']);
    expect(fake.callsOf('createProcess')).toHaveLength(0);
    await c.close();
  });

  it('keep the pipe from stdio() (also a fresh copy from HcsGetProcessInfo) and close it on close()', async () => {
    const { fake, c, opened, p } = await consoleWithoutStdin();
    await p.stdio();
    expect(opened).toEqual([{ stdin: 0n, stdout: 12n, stderr: 0n }]);
    fake.once('getProcessInfo', () => ({ hr: 0, result: null, value: { processId: 5, stdInput: 21n, stdOutput: 22n, stdError: 0n } }));
    await p.stdio();
    // The copy is closed at once (handed to the opener alone, then destroyed), the rest handed out without it.
    expect(opened.slice(1)).toEqual([
      { stdin: 21n, stdout: 0n, stderr: 0n },
      { stdin: 0n, stdout: 22n, stderr: 0n },
    ]);
    expect(opened.some((h) => h.stdin === 11n)).toBe(false); // held while the process runs
    await p.close();
    expect(opened.slice(3)).toEqual([{ stdin: 11n, stdout: 0n, stderr: 0n }]);
    await p.close();
    expect(opened).toHaveLength(4); // closed once
    await c.close();
  });

  it('closeStdin() closes the held pipe and asks HCS to close the process side, once', async () => {
    const { fake, c, opened, p } = await consoleWithoutStdin();
    await p.closeStdin();
    expect(opened).toEqual([{ stdin: 11n, stdout: 0n, stderr: 0n }]);
    expect(fake.callsOf('modifyProcess').map((args) => args[1])).toEqual(['{"Operation":"CloseHandle","CloseHandle":{"Handle":"StdIn"}}']);
    await p.close();
    expect(opened.filter((h) => h.stdin === 11n)).toHaveLength(1);
    expect(opened.slice(1)).toEqual([{ stdin: 0n, stdout: 12n, stderr: 0n }]); // close() frees the unused stdout
    await c.close();
  });

  it('a console process that asked for stdin gets it from stdio()', async () => {
    const { fake, c, opened } = await setup();
    createReturns(fake, 11n, 12n);
    const p = await c.createProcess({ CommandLine: 'x', EmulateConsole: true, CreateStdInPipe: true, CreateStdOutPipe: true });
    await p.stdio();
    expect(opened).toEqual([{ stdin: 11n, stdout: 12n, stderr: 0n }]);
    await p.close();
    await c.close();
  });
});
