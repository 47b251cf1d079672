/**
 * Every fenced code block of README.md, CONFIG.md and MIGRATING.md (when present) runs for real,
 * so a documentation example that breaks fails the suite.
 *
 * Conventions (see markdown-blocks.ts for the markers):
 * - ```ts / ```js blocks run, each in a fresh Node process, as an ES module transpiled by
 *   esbuild. `edgepg`, `edgepg/http`, `edgepg/server` (and any later entry) are the BUILT package
 *   (`dist/`, resolved through package.json "exports"; `npm test` builds first).
 * - `process.env.DATABASE_URL` names the local server (src/server startServer, in front of the
 *   test PostgreSQL) and a database of its own, cloned from a seeded template (fixtures.ts:
 *   users, items, events, accounts), so examples cannot interfere. The server speaks HTTP /sql,
 *   WebSocket and plain Postgres on that one port.
 * - preamble.mjs runs first and points `neonConfig` at the local server, as the README's "Local
 *   development" section tells users to: `fetchEndpoint` http://host:port/sql, `wsProxy`
 *   host:port/v2, `useSecureWebSocket = false`. Examples are therefore written as for Neon.
 * - The working directory is a fresh folder holding fixtures.ts's files (`events.csv`).
 * - A block that cannot run carries `<!-- example: not run (reason) -->` right above its fence;
 *   other languages (sh, …) must too. `<!-- example: continues -->` appends a block to the
 *   previous one. Unmarked blocks that cannot run, and unknown markers, fail the first test.
 * - TypeScript examples are also type-checked (strict, NodeNext) against dist/'s declarations.
 * - Each example has EXAMPLE_TIMEOUT_MS; the process is then killed and the test fails with its
 *   output. An example must end its clients: one that keeps the process alive times out.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startServer } from '../../src/server/server.js';
import { credentials, pgInfo } from '../setup/pg.js';
import { ExampleDatabases, exampleWorkDir } from './fixtures.js';
import { type Plan, type Program, planFile } from './markdown-blocks.js';
import { runExample } from './run-example.js';
import { typeCheck } from './typecheck.js';

const EXAMPLE_TIMEOUT_MS = 20_000;
const root = fileURLToPath(new URL('../..', import.meta.url));
const documents = ['README.md', 'CONFIG.md', 'MIGRATING.md'].filter((file) => existsSync(join(root, file)));
const plans: Plan[] = documents.map((file) => planFile(file, readFileSync(join(root, file), 'utf8')));
const programs = plans.flatMap((plan) => plan.programs);

const label = (program: Program) => `${program.file}:${program.lines.join('+')}`;
const fileName = (program: Program) => label(program).replace(/[^\w]+/g, '-');

describe('documentation examples', () => {
  let server: LocalServer;
  let databases: ExampleDatabases;
  let runDir: string;
  const passed = new Map<string, number>();

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist/index.js'))) throw new Error('dist/ is missing: run `npx tsup` first');
    const info = pgInfo();
    server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
    databases = await ExampleDatabases.create();
    await mkdir(join(root, '.tmp'), { recursive: true });
    runDir = await mkdtemp(join(root, '.tmp', 'docs-examples-'));
  });

  afterAll(async () => {
    await server?.close();
    await databases?.dropAll();
    if (runDir) await rm(runDir, { recursive: true, force: true });
    for (const plan of plans) {
      const file = plan.programs[0]?.file ?? plan.notRun[0]?.file;
      const ran = passed.get(file ?? '') ?? 0;
      console.log(
        `[docs examples] ${file}: ${ran} of ${plan.programs.length} ran; ${plan.notRun.length} not run`,
      );
    }
  });

  it('finds the documents and examples to run', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'CONFIG.md']));
    // README and CONFIG have runnable examples; losing them all would mean the parser broke.
    for (const plan of plans.slice(0, 2)) expect(plan.programs.length).toBeGreaterThan(0);
  });

  it('every block either runs or says why it does not', () => {
    const problems = plans.flatMap((plan) => plan.problems).map((p) => `${p.file}:${p.line}: ${p.message}`);
    expect(problems).toEqual([]);
  });

  it('gives a reason for every block it does not run (these blocks are not tested)', () => {
    const notRun = plans.flatMap((plan) => plan.notRun);
    for (const block of notRun) expect(block.reason, `${block.file}:${block.line}`).toMatch(/\w{3,}/);
    console.log(
      notRun.map((b) => `[docs examples] not run ${b.file}:${b.line} (${b.lang}): ${b.reason}`).join('\n'),
    );
  });

  it('type-checks every TypeScript example against the built package (strict)', async () => {
    const typed = programs.filter((program) => program.lang === 'ts' || program.lang === 'typescript');
    expect(typed.length).toBeGreaterThan(0);
    const dir = join(runDir, 'typecheck');
    await mkdir(dir);
    const errors = await typeCheck(dir, new Map(typed.map((program) => [fileName(program), program.code])));
    expect(errors).toEqual([]);
  });

  it.each(programs.map((program) => [label(program), program] as const))(
    '%s runs',
    async (_, program) => {
      const { user, password } = credentials('superuser');
      const database = await databases.fresh();
      const run = await runExample(program.code, {
        moduleDir: runDir,
        cwd: await exampleWorkDir(runDir),
        env: { DATABASE_URL: server.connectionString({ user, password, database }) },
        timeoutMs: EXAMPLE_TIMEOUT_MS,
        name: fileName(program),
      });
      const outcome = run.timedOut
        ? `killed after ${EXAMPLE_TIMEOUT_MS} ms`
        : `exit ${run.exitCode ?? run.signal}`;
      expect(outcome, `${label(program)} printed:\n${run.output}`).toBe('exit 0');
      passed.set(program.file, (passed.get(program.file) ?? 0) + 1);
    },
    EXAMPLE_TIMEOUT_MS + 15_000,
  );
});
