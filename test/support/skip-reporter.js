// Prints every skipped test with its title (which carries the lane condition's reason) after the run, so a lane's
// skips are visible in CI logs instead of hiding in a count.
class SkipReporter {
  onRunComplete(_contexts, results) {
    const skipped = [];
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') skipped.push(t.fullName);
      }
    }
    process.stdout.write(`\nSkipped tests on ${process.platform}: ${skipped.length}\n`);
    for (const name of skipped) process.stdout.write(`  - ${name}\n`);
  }
}
module.exports = SkipReporter;
