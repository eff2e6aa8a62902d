// Checks that CTest runs every Catch2 test case exactly once (run by scripts/test after the build).
//   node tests/check_test_count.mjs BUILD_DIR
// - every Catch2 test case is exactly one CTest entry, and CTest has no entry that is not a test
//   case (a name split at ';' or negated by a leading '~' gives entries that match nothing);
// - no test name holds a character that Catch2's filter parser or CTest would read (';', '"', '*',
//   '\', a leading '~', '[' or '#');
// - a filter that matches no test fails (the '-w NoTests' that tests/CMakeLists.txt passes).
// Prints what is wrong and exits 1; prints the counts and exits 0 otherwise.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const build = process.argv[2];
if (!build) {
  console.error('usage: node tests/check_test_count.mjs BUILD_DIR');
  process.exit(2);
}
// CTest entries that are not Catch2 test cases (add_test in tests/CMakeLists.txt).
const plainCtestEntries = new Set(['cli_eval_examples', 'page_validation_assets']);
const binaries = ['envelope_tests', 'envelope_ui_tests']
  .map((b) => path.join(build, 'tests', b))
  .filter((b) => existsSync(b));
const problems = [];
if (binaries.length === 0) problems.push(`no Catch2 test binary under ${build}/tests`);

const catchNames = [];
for (const bin of binaries) {
  const out = spawnSync(bin, ['--list-test-names-only'], { encoding: 'utf8' }).stdout;
  const names = out.split('\n').filter((l) => l.length > 0);
  if (names.length === 0) problems.push(`${path.basename(bin)} lists no test cases`);
  catchNames.push(...names);
  // A filter that matches nothing must fail.
  const none = spawnSync(bin, ['this filter matches no test case', '-w', 'NoTests'], { encoding: 'utf8' });
  if (none.status === 0) problems.push(`${path.basename(bin)}: a filter matching no test exits 0`);
}
for (const n of catchNames) {
  if (/[;"*\\]/.test(n) || /^[~[#]/.test(n) || n !== n.trim())
    problems.push(`test name Catch2 or CTest would misread: ${JSON.stringify(n)}`);
}
const dup = catchNames.filter((n, i) => catchNames.indexOf(n) !== i);
for (const n of new Set(dup)) problems.push(`test name used twice: ${JSON.stringify(n)}`);

const ctest = JSON.parse(execFileSync('ctest', ['--test-dir', build, '--show-only=json-v1'], { encoding: 'utf8' }));
const ctestNames = ctest.tests.map((t) => t.name);
const catchSet = new Set(catchNames);
const ctestSet = new Set(ctestNames);
for (const n of ctestNames)
  if (!catchSet.has(n) && !plainCtestEntries.has(n)) problems.push(`CTest entry that is no Catch2 test case: ${JSON.stringify(n)}`);
for (const n of catchNames) if (!ctestSet.has(n)) problems.push(`Catch2 test case with no CTest entry: ${JSON.stringify(n)}`);
const expected = catchNames.length + [...plainCtestEntries].filter((n) => ctestSet.has(n)).length;
if (ctestNames.length !== expected) problems.push(`CTest has ${ctestNames.length} entries, expected ${expected}`);

if (problems.length) {
  for (const p of problems) console.log(`test count: ${p}`);
  process.exit(1);
}
console.log(`test count: ${catchNames.length} Catch2 test cases = ${ctestNames.length - (expected - catchNames.length)} CTest entries (+ ${expected - catchNames.length} plain); an unmatched filter fails`);
