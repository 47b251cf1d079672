#!/usr/bin/env node
/**
 * Renders the README "Compatibility" table from the integration suites' results.
 *
 * Every integration suite (test/integration/orms, test/integration/runtimes, …) writes
 * `test/integration/.results/<suite>.json`: an array of rows `{ consumer, transport, status, tests }`
 * with `status` 'pass' or 'fail', `tests` the number of tests behind the row and an optional `via`
 * (the driver, adapter or dialect used for that transport). This script reads
 * them all and rewrites the README between `<!-- compat-table:start -->` and
 * `<!-- compat-table:end -->`: one line per consumer, one column per transport.
 *
 *   node scripts/integration-table.mjs           rewrite README.md
 *   node scripts/integration-table.mjs --check   exit 1 if README.md is not up to date
 *   --results DIR / --readme FILE                other locations (tests)
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const START = '<!-- compat-table:start -->';
const END = '<!-- compat-table:end -->';
/** Known transports first, in this order; any other transport a suite reports follows, sorted. */
const TRANSPORT_ORDER = ['http', 'ws', 'tcp'];

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

function readRows(dir) {
  if (!existsSync(dir)) return [];
  const rows = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const parsed = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (!Array.isArray(parsed)) throw new Error(`${file}: expected an array of rows`);
    for (const row of parsed) {
      const ok =
        typeof row?.consumer === 'string' &&
        typeof row.transport === 'string' &&
        (row.status === 'pass' || row.status === 'fail') &&
        Number.isInteger(row.tests) &&
        (row.via === undefined || typeof row.via === 'string');
      if (!ok) throw new Error(`${file}: malformed row ${JSON.stringify(row)}`);
      rows.push(row);
    }
  }
  return rows;
}

function cell(found) {
  if (found.length === 0) return '—';
  return found
    .map((r) => `${r.status === 'pass' ? '✅' : '❌ failing:'} ${r.via ? `${r.via}, ` : ''}${r.tests} tests`)
    .join('<br>');
}

export function renderTable(rows) {
  if (rows.length === 0) return '_No integration results yet: run `npm test`._';
  const transports = [...new Set(rows.map((r) => r.transport))].sort((a, b) => {
    const ia = TRANSPORT_ORDER.indexOf(a);
    const ib = TRANSPORT_ORDER.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
    return a.localeCompare(b);
  });
  const consumers = [...new Set(rows.map((r) => r.consumer))].sort((a, b) => a.localeCompare(b));
  const lines = [
    `| Consumer | ${transports.join(' | ')} |`,
    `| --- | ${transports.map(() => '---').join(' | ')} |`,
  ];
  for (const consumer of consumers) {
    const cells = transports.map((t) =>
      cell(rows.filter((r) => r.consumer === consumer && r.transport === t)),
    );
    lines.push(`| ${consumer} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function replaceSection(readme, table) {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

function main() {
  const resultsDir = option('--results', join(ROOT, 'test', 'integration', '.results'));
  const readmePath = option('--readme', join(ROOT, 'README.md'));
  const readme = readFileSync(readmePath, 'utf8');
  const next = replaceSection(readme, renderTable(readRows(resultsDir)));
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      console.error('README compatibility table is out of date: run node scripts/integration-table.mjs');
      process.exit(1);
    }
    return;
  }
  if (next !== readme) writeFileSync(readmePath, next);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
