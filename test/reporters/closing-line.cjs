// Prints one plain closing line per jest run: "<project>: N passed, N failed[, N skipped]".
class ClosingLine {
  constructor(globalConfig, options) {
    this.label =
      (options && options.label) || (globalConfig.selectProjects || []).join('+') || 'tests';
  }
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.stdout.write(
      `\n${this.label}: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
module.exports = ClosingLine;
