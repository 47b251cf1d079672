/**
 * scripts/integration-table.mjs: the README "Compatibility" table is rendered from the suites'
 * result rows (never typed by hand), failures show as failures, and bad input is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { rowFor } from './support/results.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'integration-table.mjs');
const README =
  '# App\n\nIntro.\n\n<!-- compat-table:start -->\nstale\n<!-- compat-table:end -->\n\n## After\n';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setup(results: Record<string, unknown>, readme = README): { readme: string; results: string } {
  dir = mkdtempSync(join(tmpdir(), 'edgepg-table-'));
  const resultsDir = join(dir, 'results');
  mkdirSync(resultsDir);
  for (const [name, rows] of Object.entries(results))
    writeFileSync(join(resultsDir, name), JSON.stringify(rows));
  const readmePath = join(dir, 'README.md');
  writeFileSync(readmePath, readme);
  return { readme: readmePath, results: resultsDir };
}

function run(paths: { readme: string; results: string }, ...extra: string[]) {
  return spawnSync(
    process.execPath,
    [SCRIPT, '--results', paths.results, '--readme', paths.readme, ...extra],
    {
      encoding: 'utf8',
    },
  );
}

describe('integration-table.mjs', () => {
  it('renders one line per consumer and one column per transport from every results file', () => {
    const paths = setup({
      'orms-a.json': [
        { consumer: 'orm 1.0', transport: 'tcp', status: 'pass', tests: 3, via: 'driver-tcp' },
        { consumer: 'orm 1.0', transport: 'http', status: 'fail', tests: 2 },
      ],
      'runtimes.json': [{ consumer: 'a runtime', transport: 'edge-ws', status: 'pass', tests: 1 }],
      'notes.txt': 'ignored',
    });
    const result = run(paths);
    expect(result.status, result.stderr).toBe(0);
    expect(readFileSync(paths.readme, 'utf8')).toBe(
      [
        '# App\n\nIntro.\n\n<!-- compat-table:start -->',
        '| Consumer | http | tcp | edge-ws |',
        '| --- | --- | --- | --- |',
        '| a runtime | — | — | ✅ 1 tests |',
        '| orm 1.0 | ❌ failing: 2 tests | ✅ driver-tcp, 3 tests | — |',
        '<!-- compat-table:end -->\n\n## After\n',
      ].join('\n'),
    );
    // Rendering is idempotent, and --check agrees with it.
    expect(run(paths, '--check').status).toBe(0);
  });

  it('--check fails when the README is out of date and leaves it untouched', () => {
    const paths = setup({ 'x.json': [{ consumer: 'c', transport: 'ws', status: 'pass', tests: 1 }] });
    const result = run(paths, '--check');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('out of date');
    expect(readFileSync(paths.readme, 'utf8')).toBe(README);
  });

  it('refuses malformed rows and a README without markers, with a clear message', () => {
    const bad = setup({ 'x.json': [{ consumer: 'c', transport: 'ws', status: 'green', tests: 1 }] });
    const malformed = run(bad);
    expect(malformed.status).not.toBe(0);
    expect(malformed.stderr).toContain('x.json: malformed row');
    rmSync(dir, { recursive: true, force: true });

    const noMarkers = setup({ 'x.json': [] }, '# App\n');
    const missing = run(noMarkers);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('compat-table:start');
  });
});

describe('rowFor (the row a finished block records)', () => {
  const test = (state: string | undefined, mode = 'run') => ({
    type: 'test',
    mode,
    result: state ? { state } : undefined,
  });
  const block = (...tasks: ReturnType<typeof test>[]) => ({
    type: 'suite',
    mode: 'run',
    tasks,
    result: { state: 'pass' },
  });
  const spec = { consumer: 'orm 1', transport: 'ws' as const, via: 'driver' };

  it('passes only when every test passed, counting nested suites', () => {
    const nested = { type: 'suite', mode: 'run', tasks: [test('pass')], result: { state: 'pass' } };
    expect(rowFor(spec, { ...block(test('pass')), tasks: [test('pass'), nested] })).toEqual({
      ...spec,
      status: 'pass',
      tests: 2,
    });
    expect(rowFor(spec, block(test('pass'), test('fail')))).toEqual({ ...spec, status: 'fail', tests: 2 });
    expect(rowFor(spec, block())).toEqual({ ...spec, status: 'fail', tests: 0 });
  });

  it('records nothing when part of the block was filtered out of the run', () => {
    expect(rowFor(spec, block(test('pass'), test(undefined, 'skip')))).toBeUndefined();
  });
});
