/**
 * vitest globalSetup: the reliability summary printed at the end of `npm test`.
 *
 * Setup hands every test file the path of a fresh JSON-lines file (`inject('reliabilityLog')`);
 * the fault and fuzz suites append to it (test/support/reliability-log.ts). Teardown reads it
 * and, when any suite reported, prints the table and saves it as `.tmp/reliability/last-summary.json`
 * and `.md`, which `node scripts/reliability-readme.mjs` copies into README's "Reliability".
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { FaultCaseRecord, ReliabilityRecord, SuiteRecord } from '../support/reliability-log.js';

const outDir = fileURLToPath(new URL('../../.tmp/reliability/', import.meta.url));

export default function setup(project: TestProject): () => void {
  const log = join(tmpdir(), `edgepg-reliability-${process.pid}-${Date.now()}.jsonl`);
  writeFileSync(log, '');
  project.provide('reliabilityLog', log);
  return () => {
    const records = readRecords(log);
    rmSync(log, { force: true });
    if (records.length === 0) return;
    const summary = summarise(records);
    const markdown = renderMarkdown(summary);
    console.log(`\n${renderText(summary)}`);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'last-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(outDir, 'last-summary.md'), markdown);
  };
}

function readRecords(path: string): ReliabilityRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ReliabilityRecord);
}

export interface ScenarioRow {
  scenario: string;
  apis: string[];
  ok: number;
  error: number;
  commitUnknown: number;
  recovered: number;
  /** The distinct errors the calls under the fault failed with (class and code). */
  errors: string[];
  /** Slowest call that failed, its request timeout and the bound of the whole call. */
  longestErrorMs: number;
  timeoutMs: number;
  budgetMs: number;
}

export interface ReliabilitySummary {
  date: string;
  faults: {
    scenarios: number;
    apis: string[];
    cases: number;
    failures: number;
    unhandled: number;
    committed: number;
    /** Null when some fault suite did not run its ledger check. */
    lost: number | null;
    commitUnknown: number;
    commitUnknownCommitted: number;
    longestErrorMs: number;
    longestErrorTimeoutMs: number;
    longestErrorBudgetMs: number;
    rows: ScenarioRow[];
  };
  fuzz: { suite: string; cases: number; failures: number; unhandled: number }[];
}

export function summarise(records: ReliabilityRecord[]): ReliabilitySummary {
  const cases = records.filter((r): r is FaultCaseRecord => r.type === 'fault-case');
  const suites = records.filter((r): r is SuiteRecord => r.type === 'suite');
  const faultSuites = suites.filter((s) => s.kind === 'fault');
  const rows = new Map<string, ScenarioRow>();
  for (const c of cases) {
    const row = rows.get(c.scenario) ?? {
      scenario: c.scenario,
      apis: [],
      ok: 0,
      error: 0,
      commitUnknown: 0,
      recovered: 0,
      errors: [],
      longestErrorMs: 0,
      timeoutMs: 0,
      budgetMs: 0,
    };
    rows.set(c.scenario, row);
    if (!row.apis.includes(c.api)) row.apis.push(c.api);
    if (c.outcome === 'ok') row.ok++;
    else if (c.outcome === 'error') row.error++;
    else row.commitUnknown++;
    if (c.recovered) row.recovered++;
    if (c.error && !row.errors.includes(c.error)) row.errors.push(c.error);
    if (c.outcome !== 'ok' && c.elapsedMs >= row.longestErrorMs) {
      row.longestErrorMs = c.elapsedMs;
      row.timeoutMs = c.timeoutMs;
      row.budgetMs = c.budgetMs;
    }
  }
  const sum = (key: keyof SuiteRecord) =>
    faultSuites.reduce((n, s) => n + (typeof s[key] === 'number' ? (s[key] as number) : 0), 0);
  const slowest = [...rows.values()].reduce<ScenarioRow | undefined>(
    (best, row) => (!best || row.longestErrorMs > best.longestErrorMs ? row : best),
    undefined,
  );
  return {
    date: new Date().toISOString(),
    faults: {
      scenarios: rows.size,
      apis: [...new Set(cases.map((c) => c.api))],
      cases: cases.length,
      failures: sum('failures'),
      unhandled: sum('unhandled'),
      committed: sum('committed'),
      lost: faultSuites.every((s) => s.lost !== undefined) ? sum('lost') : null,
      commitUnknown: sum('commitUnknown'),
      commitUnknownCommitted: sum('commitUnknownCommitted'),
      longestErrorMs: slowest?.longestErrorMs ?? 0,
      longestErrorTimeoutMs: slowest?.timeoutMs ?? 0,
      longestErrorBudgetMs: slowest?.budgetMs ?? 0,
      rows: [...rows.values()],
    },
    fuzz: suites
      .filter((s) => s.kind === 'fuzz')
      .map((s) => ({ suite: s.suite, cases: s.cases, failures: s.failures, unhandled: s.unhandled })),
  };
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function headline(s: ReliabilitySummary): string[] {
  const f = s.faults;
  const fuzzCases = s.fuzz.reduce((n, x) => n + x.cases, 0);
  const fuzzFailures = s.fuzz.reduce((n, x) => n + x.failures, 0);
  return [
    `Fault injection: ${f.cases} cases (${f.scenarios} scenarios × up to ${f.apis.length} APIs); failures ${f.failures}; ` +
      `unhandled errors ${f.unhandled}; data lost ${f.lost ?? 'NOT CHECKED'} of ${f.committed} committed calls; ` +
      `COMMIT unknown ${f.commitUnknown} (${f.commitUnknownCommitted} of them had committed); ` +
      `longest time to error ${f.longestErrorMs} ms vs its timeout ${f.longestErrorTimeoutMs} ms ` +
      `(the whole call's bound: ${f.longestErrorBudgetMs} ms).`,
    `Fuzz: ${fuzzCases} cases executed in ${s.fuzz.length} suites; failures ${fuzzFailures}.`,
  ];
}

function scenarioTable(s: ReliabilitySummary): string[] {
  return table(
    [
      'Scenario',
      'APIs',
      'succeeded',
      'typed error',
      'COMMIT unknown',
      'next call ok',
      'longest to error / timeout',
      'errors seen',
    ],
    s.faults.rows.map((r) => [
      r.scenario,
      String(r.apis.length),
      String(r.ok),
      String(r.error),
      String(r.commitUnknown),
      `${r.recovered}/${r.ok + r.error + r.commitUnknown}`,
      r.error + r.commitUnknown > 0 ? `${r.longestErrorMs} / ${r.timeoutMs} ms` : '—',
      r.errors.join(', ') || '—',
    ]),
  );
}

function fuzzTable(s: ReliabilitySummary): string[] {
  return table(
    ['Fuzz suite', 'cases', 'failures', 'unhandled'],
    s.fuzz.map((x) => [x.suite, String(x.cases), String(x.failures), String(x.unhandled)]),
  );
}

export function renderText(s: ReliabilitySummary): string {
  return [
    '── Reliability summary ──',
    ...headline(s),
    `APIs: ${s.faults.apis.join(', ')}`,
    '',
    ...scenarioTable(s),
    '',
    ...fuzzTable(s),
  ].join('\n');
}

export function renderMarkdown(s: ReliabilitySummary): string {
  return [
    ...headline(s).map((line) => `${line}\n`),
    `APIs: ${s.faults.apis.map((a) => `\`${a}\``).join(', ')}.`,
    '',
    ...scenarioTable(s),
    '',
    ...fuzzTable(s),
    '',
    `_Generated from the run of ${s.date.slice(0, 10)} by \`node scripts/reliability-readme.mjs\`._`,
    '',
  ].join('\n');
}
