import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { itIf, onPosix } from '../../support/lanes';

const root = path.join(__dirname, '..', '..', '..');

describe('package root', () => {
  itIf(onPosix, 'spawns tsx, which cannot run under the Windows lane node.exe')('importing it loads neither koffi nor the FFI layer; the first call does (and off Windows without a library rejects ERR_HCS_UNAVAILABLE)', () => {
    const script = [
      "const api = require('./src');",
      "const loaded = () => Object.keys(require.cache).filter((k) => /[\\\\/]koffi[\\\\/]|[\\\\/]src[\\\\/]ffi[\\\\/]vmcompute/.test(k));",
      'const before = loaded().length;',
      "let code = 'resolved';",
      "api.getContainers().catch((e) => (code = e.code)).finally(() => console.log(JSON.stringify({ before, after: loaded().length > 0, code })));",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--require', path.join(root, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs'), '-e', script], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, HCS_VMCOMPUTE_DLL: '' },
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    const expected = process.platform === 'win32' ? expect.any(String) : 'ERR_HCS_UNAVAILABLE';
    expect(JSON.parse(run.stdout.trim())).toEqual({ before: 0, after: true, code: expected });
  });
});
