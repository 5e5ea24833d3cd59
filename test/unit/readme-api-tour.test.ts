// The README's "API tour" must compile against the real API. tsc (npm run typecheck) checks the function below,
// which holds the tour's code verbatim; the jest test checks that the README still shows exactly that code, so the
// two cannot drift apart. Nothing here runs the tour (it needs a real HCS).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createContainer, escapeArgs, isAlreadyStopped } from '../../src';

// README-TOUR-START
async function apiTour(): Promise<void> {
  await using container = await createContainer('demo', {
    SystemType: 'Container',
    Name: 'demo',
    LayerFolderPath: 'C:\\ProgramData\\demo\\sandbox',
    Layers: [{ ID: '8c4e2a1b-2c4d-5e9f-0011-223344556677', Path: 'C:\\ProgramData\\demo\\base' }],
  });
  await container.start();

  await using proc = await container.createProcess({
    CommandLine: escapeArgs(['cmd.exe', '/c', 'echo hello & exit 3']),
    CreateStdOutPipe: true,
    CreateStdErrPipe: true,
  });
  const { stdout, stderr } = await proc.stdio();
  stdout?.pipe(process.stdout);
  stderr?.pipe(process.stderr);
  console.log('exit code', await proc.wait());

  await container.shutdown();                      // resolves once accepted, or when already stopped
  await container.waitTimeout(60_000);             // rejects with ERR_HCS_TIMEOUT; the handle stays usable
}
// README-TOUR-END

describe('README API tour', () => {
  it('shows exactly the code that this file type-checks', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const tour = readme.slice(readme.indexOf('## API tour'));
    const block = /```ts\n([\s\S]*?)```/.exec(tour)?.[1];
    expect(block).toBeDefined();
    const source = readFileSync(__filename, 'utf8');
    const body = source.slice(source.indexOf('// README-TOUR-START'), source.indexOf('// README-TOUR-END'));
    const code = body
      .split('\n')
      .slice(2, -2) // the marker and the function line; the closing brace and the trailing empty piece
      .map((line) => line.replace(/^ {2}/, ''))
      .join('\n');
    const imports = "import { createContainer, escapeArgs, isAlreadyStopped } from 'hcsshim-ts';\n\n";
    expect(block).toBe(`${imports}${code}\n`);
    expect(typeof apiTour).toBe('function');
    expect(typeof isAlreadyStopped).toBe('function');
  });
});
