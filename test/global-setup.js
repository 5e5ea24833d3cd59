// Builds the simulator before any test runs (a no-op when it is up to date), so `npx jest`
// works on a fresh checkout as well as `npm test`.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'build-sim.js')], { stdio: 'inherit' });
};
