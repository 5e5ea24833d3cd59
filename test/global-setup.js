// Runs once before the test suite: builds the simulator and the CommonJS output in dist/ when they are out of date,
// so `npx jest` works on a fresh checkout as well as `npm test`. Under the Windows lane (Windows Node in Wine) both
// were built on the Linux side by scripts/test-windows.sh: the native compilers cannot run there.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

module.exports = async () => {
  if (process.platform === 'win32') return;
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-sim.js')], { stdio: 'inherit', cwd: root });
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-dist.js')], { stdio: 'inherit', cwd: root });
};
