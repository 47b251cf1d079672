/**
 * The built package (dist/, not the sources) in every runtime the README claims: Node 20 and 22,
 * Bun, Deno, Cloudflare's workerd and headless Chromium, each against the local edgepg server
 * (started here from dist/server.js in front of the test PostgreSQL). Every runtime comes from
 * the npm registry through this folder's lockfile, except Chromium (Debian's package, which
 * .ci/run installs). The smoke suite itself is smoke/checks.mjs; results become the README's
 * compatibility rows in test/integration/.results/runtimes.json.
 *
 * workerd runs without `nodejs_compat` and Chromium is a browser: neither has `process` or a
 * native `Buffer`, so their runs show that the edge entry needs neither (the `buffer` polyfill
 * is installed only where `Buffer` is missing, and no `process` shim appears).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../../src/server/index.js';
import { credentials, pgInfo } from '../../setup/pg.js';
import { installFixture } from '../../support/npm-fixture.js';
import {
  type CheckResult,
  type Consumer,
  type ResultRow,
  rowsFor,
  type Transport,
  writeRows,
} from './results.js';
import { runBounded } from './run-bounded.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const dist = join(root, 'dist');
const smokeDir = join(here, 'smoke');
const installed = (path: string) => join(here, 'node_modules', path);
const NODE_20 = installed('node-20/bin/node');
const NODE_22 = installed('node-22/bin/node');
const CHROMIUM = '/usr/bin/chromium';
const RESULTS_FILE = join(root, 'test/integration/.results/runtimes.json');
/** One runtime's whole smoke run (start-up included) must end within this, or it is killed. */
const RUN_TIMEOUT_MS = 90_000;
/** Checks per transport in smoke/checks.mjs (ws has one more where TCP is unavailable). */
const CHECKS: Record<Transport, number> = { http: 3, ws: 4, tcp: 4 };

interface Globals {
  Buffer: boolean;
  process: boolean;
  WebSocket: boolean;
}

interface Report {
  runtime?: string;
  before: Globals;
  after: Globals;
  /** Node, Bun, Deno: the runtime's own Buffer is still the global one after edgepg loaded. */
  bufferKept?: boolean;
  results: CheckResult[];
  pageErrors?: string[];
}

type ServerModule = typeof import('../../../src/server/index.js');

let server: LocalServer | undefined;
let work = '';
/** The files esbuild put into each edge bundle. */
let edgeInputs: Record<'workerd' | 'Chromium', string[]> = { workerd: [], Chromium: [] };
const rows: ResultRow[] = [];

beforeAll(async () => {
  for (const file of ['index.js', 'server.js']) {
    if (!existsSync(join(dist, file))) {
      throw new Error(`dist/${file} is missing: this suite tests the built package; run npm run build first`);
    }
  }
  installFixture(here);
  const { startServer } = (await import(pathToFileURL(join(dist, 'server.js')).href)) as ServerModule;
  const info = pgInfo();
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  work = mkdtempSync(join(tmpdir(), 'edgepg-runtimes-'));
  // The edge targets get dist bundled as their users' bundlers would: no `node` condition, so
  // `#tcp` resolves to the stub and nothing Node-only is pulled in.
  const [worker, browser] = await Promise.all([
    build({
      entryPoints: [join(smokeDir, 'worker.mjs')],
      outfile: join(work, 'worker.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      target: 'es2022',
      metafile: true,
      logLevel: 'error',
    }),
    build({
      entryPoints: [join(smokeDir, 'browser.mjs')],
      outfile: join(work, 'browser.js'),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      metafile: true,
      logLevel: 'error',
    }),
  ]);
  edgeInputs = {
    workerd: Object.keys(worker.metafile.inputs),
    Chromium: Object.keys(browser.metafile.inputs),
  };
}, 10 * 60_000);

afterAll(async () => {
  await server?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  if (rows.length > 0) writeRows(RESULTS_FILE, rows);
});

/** A child sees no PG* variables or other test settings: only what it needs to run. */
function childEnv(): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return {
    PATH,
    HOME,
    ...(TMPDIR ? { TMPDIR } : {}),
    NO_COLOR: '1',
    DENO_NO_UPDATE_CHECK: '1',
    DENO_DIR: join(work, 'deno-dir'),
  };
}

function tail(text: string, lines = 30): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Runs one runtime's smoke process and records its rows (failures too: the table must not
 * claim what did not run). `args` gets the JSON target.
 */
async function smoke(
  consumer: Consumer,
  command: string,
  args: (target: string) => string[],
  transports: Transport[],
  cwd: string,
): Promise<Report> {
  if (!server) throw new Error('the local server did not start');
  const { user, password } = credentials('superuser');
  const target = JSON.stringify({
    host: server.host,
    port: server.port,
    user,
    password,
    database: pgInfo().database,
    transports,
    tcpUnavailable: !transports.includes('tcp'),
    dist: join(dist, 'index.js'),
  });
  const run = await runBounded(command, args(target), { cwd, env: childEnv(), timeoutMs: RUN_TIMEOUT_MS });
  const line = run.stdout.split('\n').find((l) => l.startsWith('SMOKE '));
  const report = line ? (JSON.parse(line.slice('SMOKE '.length)) as Report) : undefined;
  rows.push(...rowsFor(consumer, transports, report?.results ?? []));
  if (!report) {
    const how = run.timedOut ? `killed after ${RUN_TIMEOUT_MS} ms` : `exit ${run.code ?? run.signal}`;
    throw new Error(`${consumer}: no smoke report (${how})\n${tail(run.stderr)}\n${tail(run.stdout)}`);
  }
  return report;
}

/** A runtime with its own Buffer and process: edgepg leaves them alone. */
function expectServerGlobals(report: Report): void {
  expect(report.before).toMatchObject({ Buffer: true, process: true });
  expect(report.bufferKept).toBe(true);
}

/** An edge bundle, run by its host script (smoke/) under Node 22 (Miniflare needs 22). */
function edgeSmoke(consumer: 'workerd' | 'Chromium', host: string, bundle: string): Promise<Report> {
  return smoke(consumer, NODE_22, (t) => [join(smokeDir, host), join(work, bundle), t], EDGE, here);
}

/** Every check passed, and every check of every transport ran. */
function expectAllPassed(report: Report, transports: Transport[]): void {
  expect(report.results.filter((r) => !r.ok)).toEqual([]);
  const edge = !transports.includes('tcp');
  const counts = Object.fromEntries(
    transports.map((t) => [t, report.results.filter((r) => r.transport === t).length]),
  );
  const expected = Object.fromEntries(transports.map((t) => [t, CHECKS[t] + (edge && t === 'ws' ? 1 : 0)]));
  expect(counts).toEqual(expected);
}

/** A runtime without `process` or `Buffer`: the polyfill filled in Buffer, nothing invented process. */
function expectEdgeGlobals(report: Report): void {
  expect(report.before).toMatchObject({ Buffer: false, process: false });
  expect(report.after).toMatchObject({ Buffer: true, process: false });
}

describe('the edge bundles', () => {
  it('contain the TCP stub and no Node-only module (TCP transport, ws, node: built-ins)', () => {
    for (const [consumer, inputs] of Object.entries(edgeInputs)) {
      expect(
        inputs.some((path) => path.endsWith('dist/index.js')),
        consumer,
      ).toBe(true);
      expect(
        inputs.some((path) => path.endsWith('dist/transport-tcp-unavailable.js')),
        consumer,
      ).toBe(true);
      const nodeOnly = inputs.filter((path) =>
        /dist\/transport-tcp\.js$|node_modules\/ws\/|^node:|dist\/server\.js$/.test(path),
      );
      expect(nodeOnly, consumer).toEqual([]);
    }
  });
});

const ALL: Transport[] = ['http', 'ws', 'tcp'];
const EDGE: Transport[] = ['http', 'ws'];
const cli = join(smokeDir, 'cli.mjs');

describe('the built package in each runtime (HTTP, WebSocket, TCP against the local server)', () => {
  it('Node 20: neon(), Client, Pool and transactions over HTTP, WebSocket (ws package) and TCP', async () => {
    const report = await smoke('Node 20', NODE_20, (t) => [cli, t], ALL, here);
    expect(report.runtime).toMatch(/^node v20\./);
    expectServerGlobals(report);
    // No global WebSocket before Node 22: this run goes through the `ws` fallback.
    expect(report.before.WebSocket).toBe(false);
    expectAllPassed(report, ALL);
  }, 120_000);

  it('Node 22: over HTTP, the global WebSocket and TCP', async () => {
    const report = await smoke('Node 22', NODE_22, (t) => [cli, t], ALL, here);
    expect(report.runtime).toMatch(/^node v22\./);
    expectServerGlobals(report);
    expectAllPassed(report, ALL);
  }, 120_000);

  it('Bun: over HTTP, WebSocket and TCP (the #tcp import resolves to the Node transport)', async () => {
    const report = await smoke('Bun', installed('.bin/bun'), (t) => [cli, t], ALL, root);
    expect(report.runtime).toMatch(/^bun \d/);
    expectServerGlobals(report);
    expectAllPassed(report, ALL);
  }, 120_000);

  it('Deno: over HTTP, WebSocket and TCP, with network access to the server only and no env access', async () => {
    const report = await smoke(
      'Deno',
      installed('.bin/deno'),
      (t) => ['run', `--allow-net=${server?.host}:${server?.port}`, `--allow-read=${root}`, cli, t],
      ALL,
      root,
    );
    expect(report.runtime).toMatch(/^deno \d/);
    expectServerGlobals(report);
    expectAllPassed(report, ALL);
  }, 120_000);

  it('workerd (Miniflare, no nodejs_compat): the esbuild worker bundle over HTTP and WebSocket', async () => {
    const report = await edgeSmoke('workerd', 'workerd-host.mjs', 'worker.js');
    expectEdgeGlobals(report);
    expectAllPassed(report, EDGE);
  }, 120_000);

  it('Chromium (headless, Debian package): the esbuild browser bundle over HTTP and WebSocket', async () => {
    if (!existsSync(CHROMIUM)) {
      rows.push(...rowsFor('Chromium', EDGE, []));
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium), as .ci/run does`,
      );
    }
    const report = await edgeSmoke('Chromium', 'chromium-host.mjs', 'browser.js');
    expect(report.pageErrors).toEqual([]);
    expectEdgeGlobals(report);
    expectAllPassed(report, EDGE);
  }, 120_000);
});
