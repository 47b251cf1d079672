/**
 * The local server under load (issue #11): 500 concurrent `neon()` clients over HTTP and 200
 * concurrent `Client` sessions over WebSocket for EDGEPG_LOAD_SECONDS (default 60), loopback
 * only. Must hold: zero errors (every answer is also checked), flat memory in the server
 * process (memory.ts says what "flat" means), and Postgres backends bounded by the limits —
 * at most `maxConnectionsPerKey` for `/sql`, one per WebSocket session — and released after.
 *
 * The server runs in a child process (server-child.ts) so that its memory is measured alone;
 * PostgreSQL is a cluster of this file's own, so that other test files neither share its
 * connection slots nor show up in its pg_stat_activity.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Client, type ClientConfig } from '../../src/client/client.js';
import { neon } from '../../src/http/index.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/server/embedded-postgres.js';
import { judgeFlatness } from './memory.js';
import type { ChildMessage, MemorySample } from './server-child.js';

const SECONDS = Number(process.env.EDGEPG_LOAD_SECONDS ?? 60);
const HTTP_CLIENTS = 500;
const WS_SESSIONS = 200;
const MAX_CONNECTIONS_PER_KEY = 10;
const HTTP_ROLE = 'load_http';
const WS_ROLE = 'load_ws';
const PASSWORD = 'load-password';
const DATABASE = 'load';
const MiB = 1024 * 1024;
/** See memory.ts: live memory after warm-up, last third vs first third. */
const CRITERION = {
  warmUpSeconds: Math.min(10, Math.max(2, SECONDS / 6)),
  marginBytes: 4 * MiB,
  marginRatio: 0.1,
};

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

if (!Number.isFinite(SECONDS) || SECONDS < 3) {
  throw new Error(
    `EDGEPG_LOAD_SECONDS must be a number of seconds ≥ 3, got ${process.env.EDGEPG_LOAD_SECONDS}`,
  );
}

interface ServerChild {
  port: number;
  samples: MemorySample[];
  warnings: string[];
  stop(): Promise<void>;
}

/** Bundles server-child.ts and starts it with --expose-gc; resolves once it listens. */
async function startServerChild(upstream: { host: string; port: number }): Promise<ServerChild> {
  const { outputFiles } = await build({
    entryPoints: [fileURLToPath(new URL('./server-child.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const child: ChildProcess = spawn(process.execPath, ['--expose-gc', '--input-type=module'], {
    cwd: repoRoot,
    stdio: ['pipe', 'inherit', 'pipe', 'ipc'],
    env: {
      ...process.env,
      EDGEPG_LOAD_CONFIG: JSON.stringify({ upstream, maxConnectionsPerKey: MAX_CONNECTIONS_PER_KEY }),
    },
  });
  child.stdin?.end(outputFiles[0].text);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const samples: MemorySample[] = [];
  const warnings: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') resolve(message.port);
      else if (message.type === 'memory') {
        const { at, rss, heapUsed, external } = message;
        samples.push({ at, rss, heapUsed, external });
      } else if (message.type === 'log') warnings.push(`${message.level} ${message.message}`);
    });
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}): ${stderr}`)));
  });
  return {
    port,
    samples,
    warnings,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send('stop');
      }),
  };
}

/** Polls pg_stat_activity from its own direct connection; remembers the most backends per role. */
function watchBackends(postgres: EmbeddedPostgres) {
  const max = new Map<string, number>();
  const now = new Map<string, number>();
  const monitor = new pg.Client({
    host: postgres.socketDir,
    port: postgres.port,
    user: 'postgres',
    database: 'postgres',
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  let polling: Promise<void> = Promise.resolve();
  const poll = async () => {
    const { rows } = await monitor.query<{ usename: string; n: number }>(
      `select usename, count(*)::int as n from pg_stat_activity
        where backend_type = 'client backend' and pid <> pg_backend_pid() and usename is not null
        group by usename`,
    );
    now.clear();
    for (const { usename, n } of rows) {
      now.set(usename, n);
      max.set(usename, Math.max(max.get(usename) ?? 0, n));
    }
  };
  return {
    async start() {
      await monitor.connect();
      timer = setInterval(() => {
        polling = polling.then(poll, poll);
      }, 250);
    },
    max: (role: string) => max.get(role) ?? 0,
    async current(role: string) {
      polling = polling.then(poll, poll);
      await polling;
      return now.get(role) ?? 0;
    },
    async stop() {
      clearInterval(timer);
      await polling.catch(() => {});
      await monitor.end();
    },
  };
}

async function prepareCluster(postgres: EmbeddedPostgres): Promise<void> {
  const admin = new pg.Client({
    host: postgres.socketDir,
    port: postgres.port,
    user: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  try {
    for (const role of [HTTP_ROLE, WS_ROLE])
      await admin.query(`create role ${role} login password '${PASSWORD}'`);
    await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

interface Tally {
  done: number;
  errors: number;
  firstErrors: string[];
}

function fail(tally: Tally, what: string): void {
  tally.errors++;
  if (tally.firstErrors.length < 5) tally.firstErrors.push(what);
}

/** One HTTP client: queries back to back until the deadline; every answer is checked. */
async function httpClient(url: string, id: number, deadline: number, tally: Tally): Promise<void> {
  const sql = neon(url, { fetchEndpoint: (host, port) => `http://${host}:${port}/sql` });
  for (let i = 0; Date.now() < deadline; i++) {
    try {
      if (i % 10 === 9) {
        const [a, b] = await sql.transaction([sql`select ${id}::int as id`, sql`select ${i}::int + 1 as n`]);
        if (a[0]?.id !== id || b[0]?.n !== i + 1) fail(tally, `http ${id}: wrong batch result`);
      } else {
        const rows = await sql`select ${id}::int as id, ${i}::int * 2 as n`;
        if (rows[0]?.id !== id || rows[0]?.n !== i * 2) fail(tally, `http ${id}: wrong result`);
      }
      tally.done++;
    } catch (error) {
      fail(tally, `http ${id}: ${String(error)}`);
    }
  }
}

/** One WebSocket session: connects once, then pipelines pairs of queries until the deadline. */
async function wsSession(config: ClientConfig, id: number, deadline: number, tally: Tally): Promise<void> {
  const client = new Client(config);
  client.on('error', (error) => fail(tally, `ws ${id} error event: ${String(error)}`));
  try {
    await client.connect();
    for (let i = 0; Date.now() < deadline; i += 2) {
      const [a, b] = await Promise.all([
        client.query('select $1::int as id, $2::int * 2 as n', [id, i]),
        client.query('select $1::text as s', [`${id}-${i}`]),
      ]);
      if (a.rows[0]?.id !== id || a.rows[0]?.n !== i * 2 || b.rows[0]?.s !== `${id}-${i}`) {
        fail(tally, `ws ${id}: wrong result`);
      }
      tally.done += 2;
    }
  } catch (error) {
    fail(tally, `ws ${id}: ${String(error)}`);
  } finally {
    await client.end().catch((error: unknown) => fail(tally, `ws ${id} end: ${String(error)}`));
  }
}

let postgres: EmbeddedPostgres | undefined;
let server: ServerChild | undefined;

beforeAll(async () => {
  // Room for the 200 sessions, the /sql pool and the monitor, with slots to spare.
  postgres = await startEmbeddedPostgres({ settings: { max_connections: String(WS_SESSIONS + 100) } });
  await prepareCluster(postgres);
  server = await startServerChild({ host: postgres.host, port: postgres.port });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await postgres?.stop();
}, 60_000);

describe('the local server under load', () => {
  it(
    `${HTTP_CLIENTS} HTTP clients and ${WS_SESSIONS} WebSocket sessions for ${SECONDS} s: no errors, flat memory, bounded backends`,
    async () => {
      if (!postgres || !server) throw new Error('set-up failed');
      const backends = watchBackends(postgres);
      await backends.start();
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const http: Tally = { done: 0, errors: 0, firstErrors: [] };
      const ws: Tally = { done: 0, errors: 0, firstErrors: [] };
      const httpUrl = `postgresql://${HTTP_ROLE}:${PASSWORD}@localhost:${server.port}/${DATABASE}`;
      const wsConfig: ClientConfig = {
        connectionString: `postgresql://${WS_ROLE}:${PASSWORD}@localhost:${server.port}/${DATABASE}`,
        wsProxy: (host, port) => `${host}:${port}/v2`,
        useSecureWebSocket: false,
        webSocketConstructor: WebSocket as unknown as ClientConfig['webSocketConstructor'],
      };
      const sampleFrom = server.samples.length;
      const started = Date.now();
      const deadline = started + SECONDS * 1000;
      try {
        await Promise.all([
          ...Array.from({ length: HTTP_CLIENTS }, (_, id) => httpClient(httpUrl, id, deadline, http)),
          ...Array.from({ length: WS_SESSIONS }, (_, id) => wsSession(wsConfig, id, deadline, ws)),
        ]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      const elapsed = (Date.now() - started) / 1000;

      // Every session ended: its backend must go; the /sql pool keeps at most its limit idle.
      let wsLeft = await backends.current(WS_ROLE);
      for (let i = 0; i < 50 && wsLeft > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        wsLeft = await backends.current(WS_ROLE);
      }
      const httpLeft = await backends.current(HTTP_ROLE);
      await backends.stop();

      // Samples taken during the load only, re-based to its start.
      const offset = server.samples[sampleFrom]?.at ?? 0;
      const samples = server.samples
        .slice(sampleFrom)
        .map((s) => ({ ...s, at: s.at - offset }))
        .filter((s) => s.at <= elapsed);
      const memory = judgeFlatness(
        samples.map((s) => ({ at: s.at, bytes: s.heapUsed + s.external })),
        CRITERION,
      );
      const rss = judgeFlatness(
        samples.map((s) => ({ at: s.at, bytes: s.rss })),
        CRITERION,
      );
      const mib = (bytes: number) => (bytes / MiB).toFixed(1);
      const summary =
        `[load] ${elapsed.toFixed(1)} s loopback: HTTP ${HTTP_CLIENTS} clients ${http.done} requests ` +
        `(${Math.round(http.done / elapsed)}/s, errors ${http.errors}); WebSocket ${WS_SESSIONS} sessions ` +
        `${ws.done} queries (${Math.round(ws.done / elapsed)}/s, errors ${ws.errors}); unhandled ${unhandled.length}; ` +
        `server live memory (heap + external) ${mib(memory.first)} → ${mib(memory.last)} MiB (limit ${mib(memory.limit)}, ` +
        `${memory.samples} samples after ${CRITERION.warmUpSeconds.toFixed(0)} s warm-up), RSS ${mib(rss.first)} → ${mib(rss.last)} MiB; ` +
        `max Postgres backends /sql ${backends.max(HTTP_ROLE)} (limit ${MAX_CONNECTIONS_PER_KEY}), ` +
        `WebSocket ${backends.max(WS_ROLE)} (limit ${WS_SESSIONS}); after: /sql ${httpLeft}, WebSocket ${wsLeft}`;
      console.log(summary);
      // Kept for README's "Reliability" section (scripts/reliability-readme.mjs), pass or fail:
      // the line says what was measured, and the expectations below say whether it passed.
      const outDir = fileURLToPath(new URL('../../.tmp/reliability/', import.meta.url));
      mkdirSync(outDir, { recursive: true });
      writeFileSync(`${outDir}load.md`, `Load: ${summary.replace(/^\[load\] /, '')}\n`);

      expect({ http: http.firstErrors, ws: ws.firstErrors }).toEqual({ http: [], ws: [] });
      expect(http.errors + ws.errors).toBe(0);
      expect(unhandled).toEqual([]);
      expect(server.warnings).toEqual([]);
      // The load really ran: at least one answer per client.
      expect(http.done).toBeGreaterThanOrEqual(HTTP_CLIENTS);
      expect(ws.done).toBeGreaterThanOrEqual(WS_SESSIONS * 2);
      expect(memory.flat).toBe(true);
      expect(backends.max(HTTP_ROLE)).toBeGreaterThan(0);
      expect(backends.max(HTTP_ROLE)).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_KEY);
      expect(backends.max(WS_ROLE)).toBe(WS_SESSIONS);
      expect(wsLeft).toBe(0);
      expect(httpLeft).toBeLessThanOrEqual(MAX_CONNECTIONS_PER_KEY);
    },
    (SECONDS + 120) * 1000,
  );
});
