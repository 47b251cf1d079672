/**
 * Rewrites README.md's "Performance" goals table and charts from the last full run
 * (`results/latest.json`), so the README never quotes numbers the results do not hold.
 *
 *   node scripts/bench/readme.mjs
 *
 * Everything from the first goals-table line of the section to the next `## ` heading is
 * replaced; the section's introduction above the table is kept as written.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_DIR } from './lib/children.mjs';
import { goalsTable } from './lib/report.mjs';

/** Charts shown under the table: [scenario id, alt text]. */
const CHARTS = [
  ['concurrent', 'N concurrent queries on one connection'],
  ['throughput', '10k in flight on one TCP connection'],
  ['pool', 'Pool of 4, 10k in flight'],
  ['pool-mix', "Pool of 4, postgres-benchmarks' four queries"],
  ['http-parse', 'Parse a ~9 MB neon() HTTP result'],
];

const readmePath = join(BENCH_DIR, '..', '..', 'README.md');
const latest = JSON.parse(await readFile(join(BENCH_DIR, 'results', 'latest.json'), 'utf8'));
const readme = await readFile(readmePath, 'utf8');

const start = readme.indexOf('## Performance\n');
if (start < 0) throw new Error('README.md has no "## Performance" section');
const end = readme.indexOf('\n## ', start + 1);
const section = readme.slice(start, end < 0 ? undefined : end);
const tableAt = section.indexOf('\n| Goal |');
if (tableAt < 0) throw new Error('README.md "Performance" has no goals table to replace');

const charts = CHARTS.filter(([id]) => latest.results?.[id]?.chart)
  .map(([id, alt]) => `![${alt}](scripts/bench/results/${id}.svg)`)
  .join('\n');
const rebuilt = `${section.slice(0, tableAt + 1)}${goalsTable(latest.goals)}\n\n${charts}\n`;
await writeFile(readmePath, readme.slice(0, start) + rebuilt + (end < 0 ? '' : readme.slice(end)));
console.log(`README.md: Performance section rebuilt from ${latest.goals.length} goals`);
