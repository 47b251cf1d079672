/**
 * Integration results for the README "Compatibility" table: each suite file records one row per
 * consumer × transport block and writes `test/integration/.results/<suite>.json`, which
 * `scripts/integration-table.mjs` renders. A row is written only when every test of the block ran
 * (a `-t` filter or `.only` leaves the previous results alone), so the file always describes a full run.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe } from 'vitest';

export type Transport = 'http' | 'ws' | 'tcp';

export interface ResultRow {
  consumer: string;
  transport: string;
  status: 'pass' | 'fail';
  tests: number;
  /** Optional: the driver, adapter or dialect the consumer used for this transport. */
  via?: string;
}

export interface BlockSpec {
  consumer: string;
  transport: Transport;
  via?: string;
}

interface TaskLike {
  type: string;
  mode: string;
  result?: { state?: string };
  tasks?: TaskLike[];
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '.results');

function tests(task: TaskLike): TaskLike[] {
  return task.type === 'suite' ? (task.tasks ?? []).flatMap(tests) : [task];
}

/** The row for a finished block, or undefined when some of its tests were filtered out of this run. */
export function rowFor(spec: BlockSpec, block: TaskLike): ResultRow | undefined {
  const all = tests(block);
  if (all.some((t) => t.mode !== 'run')) return undefined;
  const passed = all.every((t) => t.result?.state === 'pass') && block.result?.state !== 'fail';
  return { ...spec, status: passed && all.length > 0 ? 'pass' : 'fail', tests: all.length };
}

/**
 * Runs `setup` before the file's tests and returns a `describe` for one consumer over one
 * transport. The rows are computed and written when the file ends; when `setup` failed (the fixture
 * did not install, say) every block is recorded as failed. Call once per test file, at the top level.
 */
export function recordResults(
  suite: string,
  setup: () => Promise<void>,
  setupTimeoutMs = 10 * 60_000,
): (spec: BlockSpec, body: () => void) => void {
  const blocks: { spec: BlockSpec; name: string }[] = [];
  let setupFailed = false;
  beforeAll(async () => {
    try {
      await setup();
    } catch (error) {
      setupFailed = true;
      throw error;
    }
  }, setupTimeoutMs);
  // biome-ignore lint/correctness/noEmptyPattern: vitest requires a destructuring pattern for the context argument
  afterAll(({}, file) => {
    const rows: ResultRow[] = [];
    for (const { spec, name } of blocks) {
      const block = (file.tasks as TaskLike[] as (TaskLike & { name: string })[]).find(
        (t) => t.name === name,
      );
      const row = setupFailed
        ? { ...spec, status: 'fail' as const, tests: block ? tests(block).length : 0 }
        : block && rowFor(spec, block);
      // Part of the file was filtered out of this run: keep the previous full run's results.
      if (!row) return;
      rows.push(row);
    }
    mkdirSync(RESULTS_DIR, { recursive: true });
    // Written aside and renamed: the README check may read the folder while suites are finishing.
    const target = join(RESULTS_DIR, `${suite}.json`);
    writeFileSync(`${target}.${process.pid}.tmp`, `${JSON.stringify(rows, null, 2)}\n`);
    renameSync(`${target}.${process.pid}.tmp`, target);
  });
  return (spec, body) => {
    const name = `${spec.consumer}${spec.via ? ` (${spec.via})` : ''} over ${spec.transport}`;
    blocks.push({ spec, name });
    describe(name, body);
  };
}
