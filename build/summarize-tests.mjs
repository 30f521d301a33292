// Adds up vitest JSON reports into one plain closing line: "N passed, N failed, N skipped".
// A report that is missing counts as a failure, so a suite that did not run cannot pass.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.log(`no test report at ${file}`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
// A run can fail outside any test (vitest's "Unhandled Errors") while its report counts none.
const runsFailed = Number(process.env.RUNS_FAILED ?? 0);
if (runsFailed > 0 && failed === 0) {
  console.log(`${runsFailed} vitest run(s) failed outside the tests: see "Unhandled Errors" above`);
  failed = runsFailed;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
