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
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md has no ${START} … ${END} block to replace.`);
  process.exit(1);
}
writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${summary}\n${readme.slice(end)}`);
console.log(`README.md: Reliability section updated from ${summaryPath}`);
