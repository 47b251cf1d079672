/**
 * The server-side pool behind `/sql`: warm connections reused across requests, Neon's reset so
 * that no session state leaks between requests, discard after errors, cancel on disconnect,
 * idle timeout, concurrency, and logs without passwords.
 */
import { type NeonQueryFunction, neon } from '@neondatabase/serverless';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientConfig, credentials } from '../setup/pg.js';
import { pointNeonAt, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let admin: pg.Client;
let restore: () => void;

beforeAll(async () => {
  // One connection per key, so consecutive requests share a backend whenever it is reused.
  t = await startTestServer({ pool: { maxConnectionsPerKey: 1 } });
  admin = new pg.Client(clientConfig('superuser'));
  await admin.connect();
});
afterAll(async () => {
  await admin.end();
  await t.server.close();
});
beforeEach(() => {
  restore = pointNeonAt();
});
afterEach(() => restore());

const pidOf = async (sql: NeonQueryFunction<false, false>) =>
  (await sql`select pg_backend_pid() as pid`)[0].pid as number;

describe('reuse and reset', () => {
  it('reuses one warm backend across requests', async () => {
    const sql = neon(t.url('md5'));
    const first = await pidOf(sql);
    for (let i = 0; i < 5; i++) expect(await pidOf(sql)).toBe(first);
  });

  const leaks: [string, string, string, unknown][] = [
    [
      'SET',
      'set search_path = pg_catalog',
      'select current_setting($$search_path$$) as v',
      '"$user", public',
    ],
    ['set_config in a SELECT', "select set_config('work_mem', '1234kB', false)", 'show work_mem', '4MB'],
    ['SET ROLE', 'set role edgepg_trust', 'select current_user as v', 'edgepg_md5'],
    [
      'temp tables',
      'create temp table leak_t as select 1 as x',
      "select to_regclass('pg_temp.leak_t') as v",
      null,
    ],
    ['LISTEN', 'listen leak_channel', 'select count(*)::int as v from pg_listening_channels()', 0],
    ['PREPARE', 'prepare leak_stmt as select 1', 'select count(*)::int as v from pg_prepared_statements', 0],
    [
      'advisory locks',
      'select pg_advisory_lock(4242)',
      "select count(*)::int as v from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()",
      0,
    ],
    [
      'cursors (WITH HOLD)',
      'declare leak_cur cursor with hold for select 1',
      "select count(*)::int as v from pg_cursors where name = 'leak_cur'",
      0,
    ],
  ];
  for (const [name, dirty, check, clean] of leaks) {
    it(`${name} does not leak into the next request on the same backend`, async () => {
      const sql = neon(t.url('md5'));
      const pid = await pidOf(sql);
      await sql.query(dirty);
      const [row] = await sql.query(check);
      expect(Object.values(row)[0]).toEqual(clean);
      expect(await pidOf(sql)).toBe(pid);
    });
  }

  it('BEGIN without COMMIT: the next request is not inside that transaction', async () => {
    const sql = neon(t.url('md5'));
    await sql`begin`;
    // SAVEPOINT only works inside a transaction block.
    const error = await sql`savepoint probe`.catch((e: { code: string }) => e);
    expect(error).toMatchObject({ code: '25P01' });
    await sql`begin`;
    await sql`create table leak_in_tx (x int)`;
    await sql`drop table leak_in_tx`; // it was committed on its own, not held by the earlier BEGIN
  });

  it('a failed query discards its connection', async () => {
    const sql = neon(t.url('md5'));
    const pid = await pidOf(sql);
    await sql`select 1/0`.catch(() => undefined);
    const next = await pidOf(sql);
    expect(next).not.toBe(pid);
    await expect
      .poll(
        async () =>
          (await admin.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid])).rows[0]
            .n,
        { timeout: 5000 },
      )
      .toBe(0);
  });

  it('a backend terminated while idle in the pool is replaced', async () => {
    const sql = neon(t.url('md5'));
    const pid = await pidOf(sql);
    await admin.query('select pg_terminate_backend($1)', [pid]);
    await expect.poll(() => pidOf(sql).catch(() => 0), { timeout: 5000 }).not.toBe(0);
    expect(await pidOf(sql)).not.toBe(pid);
  });
});

describe('cancel on disconnect', () => {
  it('an HTTP client going away cancels its running query', async () => {
    const marker = `cancel_me_${Date.now()}`;
    const controller = new AbortController();
    const sql = neon(t.url('scram'), { fetchOptions: { signal: controller.signal } });
    const running = sql.query(`select pg_sleep(10) as "${marker}"`).catch((e: Error) => e);
    const activeCount = async () =>
      (
        await admin.query(
          "select count(*)::int as n from pg_stat_activity where query like '%' || $1 || '%' and pid <> pg_backend_pid()",
          [marker],
        )
      ).rows[0].n as number;
    await expect.poll(activeCount, { timeout: 5000 }).toBe(1);
    const abortedAt = Date.now();
    controller.abort();
    expect(String(await running)).toMatch(/abort/i);
    await expect.poll(activeCount, { timeout: 3000 }).toBe(0);
    expect(Date.now() - abortedAt).toBeLessThan(2500);
    expect(t.logs.some((line) => line.includes('HTTP client disconnected; cancelling'))).toBe(true);
  });
});

describe('idle timeout', () => {
  it('closes pooled connections idle for longer than idleTimeoutMillis', async () => {
    const short = await startTestServer({ pool: { idleTimeoutMillis: 200 } });
    try {
      const sql = neon(short.url('password'));
      const pid = await pidOf(sql);
      const alive = async () =>
        (await admin.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid])).rows[0]
          .n;
      expect(await alive()).toBe(1);
      await expect.poll(alive, { timeout: 3000 }).toBe(0);
      expect(await pidOf(sql)).not.toBe(pid);
    } finally {
      await short.server.close();
    }
  });
});

describe('load', () => {
  it('200 concurrent requests, bounded by maxConnectionsPerKey', async () => {
    const wide = await startTestServer({ pool: { maxConnectionsPerKey: 8 } });
    try {
      const sql = neon(wide.url('scram'));
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => sql`select ${i}::int as i, pg_backend_pid() as pid`),
      );
      expect(results.map((r) => r[0].i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      const pids = new Set(results.map((r) => r[0].pid));
      expect(pids.size).toBeLessThanOrEqual(8);
    } finally {
      await wide.server.close();
    }
  });
});

describe('logs', () => {
  it('never contain a password (after every request of this file and a failed login)', async () => {
    const sql = neon(
      t.server.connectionString({
        user: credentials('md5').user,
        password: 'S3cret-Wr0ng',
        database: 'postgres',
      }),
    );
    await sql`select 1`.catch(() => undefined);
    const passwords = [
      'S3cret-Wr0ng',
      ...(['scram', 'md5', 'password'] as const).map((r) => credentials(r).password as string),
    ];
    expect(t.logs.length).toBeGreaterThan(10);
    for (const line of t.logs) for (const password of passwords) expect(line).not.toContain(password);
  });
});
