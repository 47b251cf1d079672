// Copies the reliability summary of the last test run (written by the vitest global setup
// test/setup/reliability-summary.ts to .tmp/reliability/last-summary.md) into README.md,
// between the `reliability:start` and `reliability:end` markers of the "Reliability" section.
//
//   npm test && node scripts/reliability-readme.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const summaryPath = fileURLToPath(new URL('.tmp/reliability/last-summary.md', root));
const readmePath = fileURLToPath(new URL('README.md', root));
const START = '<!-- reliability:start -->';
const END = '<!-- reliability:end -->';

let summary;
try {
  summary = readFileSync(summaryPath, 'utf8').trim();
} catch {
  console.error(`No summary at ${summaryPath}: run \`npm test\` (or \`npx vitest run test/faults\`) first.`);
  process.exit(1);
}
// The load test (test/load/, run after the main suite) leaves its one-line result beside it.
try {
  const load = readFileSync(fileURLToPath(new URL('.tmp/reliability/load.md', root)), 'utf8').trim();
  summary = `${summary}\n\n${load}`;
} catch {
  console.error('No load-test line in .tmp/reliability/load.md (run `npm test` to the end); left out.');
}
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} … ${END} block to replace.`);
  process.exit(1);
}
writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${summary}\n${readme.slice(end)}`);
console.log(`README.md: Reliability section updated from ${summaryPath}`);
