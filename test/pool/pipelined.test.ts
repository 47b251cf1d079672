/**
 * edgepg's difference from pg-pool: `pool.query()` calls share connections (pipelined), while
 * `pool.connect()` clients stay exclusive. Plus the flows Drizzle and Kysely run on a Pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ConnectionError } from '../../src/core/errors.js';
import { Pool, type PoolClient } from '../../src/pool/pool.js';
import { clientConfig } from '../setup/pg.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let admin: Client;
beforeAll(async () => {
  admin = new Client(clientConfig());
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
});

async function backends(applicationName: string): Promise<number[]> {
  const { rows } = await admin.query('select pid from pg_stat_activity where application_name = $1', [
    applicationName,
  ]);
  return rows.map((r) => r.pid as number);
}

/** Waits (bounded) until a backend of `applicationName` is inside pg_sleep, and returns its pid. */
async function sleepingBackend(applicationName: string): Promise<number> {
  for (let i = 0; i < 1_000; i += 1) {
    const { rows } = await admin.query(
      "select pid from pg_stat_activity where application_name = $1 and state = 'active' and query like '%pg_sleep%' limit 1",
      [applicationName],
    );
    if (rows.length > 0) return rows[0].pid as number;
    await sleep(5);
  }
  throw new Error(`no backend of ${applicationName} ever ran pg_sleep`);
}

describe('pipelined pool.query', () => {
  it('10,000 concurrent queries on max 4: correct results on at most 4 connections', async () => {
    const pool = new Pool({ ...clientConfig(), max: 4, application_name: 'edgepg-pool-10k' });
    let connects = 0;
    pool.on('connect', () => connects++);
    let peak = 0;
    const sampling = setInterval(() => {
      peak = Math.max(peak, pool.totalCount);
    }, 1);
    const queries = Array.from({ length: 10_000 }, (_, i) => pool.query('select $1::int as i', [i]));
    peak = Math.max(peak, pool.totalCount);
    const onServer = await backends('edgepg-pool-10k');
    const results = await Promise.all(queries);
    clearInterval(sampling);
    expect(results.every((r, i) => r.rows.length === 1 && r.rows[0].i === i)).toBe(true);
    expect(connects).toBe(4);
    expect(peak).toBeLessThanOrEqual(4);
    expect(onServer.length).toBeLessThanOrEqual(4);
    expect((await backends('edgepg-pool-10k')).length).toBe(4);
    expect(pool.waitingCount).toBe(0);
    expect(pool.idleCount).toBe(4);
    await pool.end();
    expect(await backends('edgepg-pool-10k')).toEqual([]);
  });

  it('a query error fails only its own query and keeps the connections', async () => {
    const pool = new Pool({ ...clientConfig(), max: 2 });
    const settled = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        i % 7 === 3
          ? pool.query('select 1/0')
          : pool.query('select $1::int as i, pg_backend_pid() as pid', [i]),
      ),
    );
    const pids = new Set<number>();
    settled.forEach((s, i) => {
      if (i % 7 === 3) expect(s).toMatchObject({ status: 'rejected', reason: { code: '22012' } });
      else {
        expect(s.status).toBe('fulfilled');
        const row = (s as PromiseFulfilledResult<{ rows: { i: number; pid: number }[] }>).value.rows[0];
        expect(row.i).toBe(i);
        pids.add(row.pid);
      }
    });
    expect(pids.size).toBe(2);
    expect(pool.totalCount).toBe(2);
    const after = await pool.query('select pg_backend_pid() as pid');
    expect(pids.has(after.rows[0].pid)).toBe(true);
    await pool.end();
  });

  it('a lost connection fails only the queries in flight on it', async () => {
    const pool = new Pool({ ...clientConfig(), max: 2, application_name: 'edgepg-pool-kill' });
    const poolErrors: Error[] = [];
    pool.on('error', (e: Error) => poolErrors.push(e));
    const queries = Array.from({ length: 40 }, (_, i) =>
      pool.query('select $1::int as i, pg_backend_pid() as pid, pg_sleep(0.02)', [i]),
    );
    // Observe the outcomes at once: some reject while we are still busy killing the backend.
    const outcomes = Promise.allSettled(queries);
    // Kill a backend only once it is running one of our queries (not after a fixed sleep: on a
    // loaded machine the pool may not even have connected by then).
    const victim = await sleepingBackend('edgepg-pool-kill');
    await admin.query('select pg_terminate_backend($1)', [victim]);
    const settled = await outcomes;
    const failed = settled.filter((s) => s.status === 'rejected');
    const ok = settled.filter((s) => s.status === 'fulfilled') as PromiseFulfilledResult<{
      rows: { pid: number }[];
    }>[];
    expect(failed.length).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(0);
    // Every success ran on the surviving connection or before the kill took effect.
    expect(ok.filter((s) => s.value.rows[0].pid !== victim).length).toBeGreaterThanOrEqual(15);
    for (const f of failed) {
      const reason = (f as PromiseRejectedResult).reason as Error & { code?: string };
      expect(reason instanceof ConnectionError || reason.code === '57P01').toBe(true);
    }
    expect(poolErrors).toEqual([]); // the queries got the error, not the pool
    const again = await Promise.all(
      Array.from({ length: 20 }, () => pool.query('select pg_backend_pid() as pid')),
    );
    expect(again.every((r) => r.rows[0].pid !== victim)).toBe(true);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
    await pool.end();
  });

  it('50 concurrent transactions lose no update while 5,000 pool.query calls run alongside', async () => {
    await admin.query('drop table if exists edgepg_pool_counter');
    await admin.query('create table edgepg_pool_counter (id int primary key, n int not null)');
    await admin.query('insert into edgepg_pool_counter values (1, 0)');
    const pool = new Pool({ ...clientConfig(), max: 4 });

    const transaction = async (k: number) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL application_name = 'tx-${k}'`);
        const { rows } = await client.query('select n from edgepg_pool_counter where id = 1 for update');
        await sleep(1); // widen the read-modify-write window
        await client.query('update edgepg_pool_counter set n = $1 where id = 1', [rows[0].n + 1]);
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    };
    const transactions = Array.from({ length: 50 }, (_, k) => transaction(k));
    // A pool.query must never run inside someone's transaction: it would see its SET LOCAL.
    const queries = Array.from({ length: 5_000 }, (_, i) =>
      pool.query("select $1::int as i, current_setting('application_name') as app", [i]),
    );
    await Promise.all(transactions);
    const results = await Promise.all(queries);
    expect(results.every((r, i) => r.rows[0].i === i)).toBe(true);
    expect(results.filter((r) => String(r.rows[0].app).startsWith('tx-'))).toEqual([]);
    const { rows } = await admin.query('select n from edgepg_pool_counter where id = 1');
    expect(rows[0].n).toBe(50);
    expect(pool.totalCount).toBeLessThanOrEqual(4);
    await pool.end();
    await admin.query('drop table edgepg_pool_counter');
  });

  it('a checked-out client is never shared with pool.query', async () => {
    const pool = new Pool({ ...clientConfig(), max: 1, connectionTimeoutMillis: 200 });
    const client = await pool.connect();
    await client.query('BEGIN');
    // The only connection is checked out: pool.query waits, and times out as pg-pool's would.
    await expect(pool.query('select 1')).rejects.toThrow(/^timeout exceeded when trying to connect$/);
    const waiting = pool.query('select 1 as one');
    await client.query('COMMIT');
    client.release();
    expect((await waiting).rows).toEqual([{ one: 1 }]);
    await pool.end();
  });

  it('a connect() waiter is served before a flood of queued pool.query calls drains', async () => {
    const pool = new Pool({ ...clientConfig(), max: 2 });
    let done = 0;
    const queries = Array.from({ length: 3_000 }, (_, i) =>
      pool.query('select $1::int as i', [i]).then((r) => {
        done++;
        return r;
      }),
    );
    const client = await pool.connect();
    const finishedBefore = done;
    await client.query('select 1');
    client.release();
    await Promise.all(queries);
    expect(finishedBefore).toBeLessThan(3_000);
    expect(pool.totalCount).toBe(2);
    await pool.end();
  });

  it('maxUses bounds the queries each connection serves, under concurrency too', async () => {
    const pool = new Pool({ ...clientConfig(), max: 2, maxUses: 10 });
    const results = await Promise.all(
      Array.from({ length: 100 }, () => pool.query('select pg_backend_pid() as pid')),
    );
    const perPid = new Map<number, number>();
    for (const r of results) perPid.set(r.rows[0].pid, (perPid.get(r.rows[0].pid) ?? 0) + 1);
    expect(Math.max(...perPid.values())).toBeLessThanOrEqual(10);
    expect(perPid.size).toBeGreaterThanOrEqual(10);
    expect(pool.totalCount).toBeLessThanOrEqual(2);
    await pool.end();
  });

  it('end() waits for pool.query calls in flight', async () => {
    const pool = new Pool({ ...clientConfig(), max: 2 });
    const queries = Array.from({ length: 50 }, (_, i) => pool.query('select $1::int as i', [i]));
    const ending = pool.end();
    const results = await Promise.all(queries);
    await ending;
    expect(results.map((r) => r.rows[0].i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(pool.ended).toBe(true);
    expect(pool.totalCount).toBe(0);
  });
});

describe('ORM flows', () => {
  it('Drizzle: instanceof Pool → connect → BEGIN … COMMIT → release', async () => {
    await admin.query('drop table if exists edgepg_pool_drizzle');
    await admin.query('create table edgepg_pool_drizzle (id serial primary key, v text)');
    const pool = new Pool({ ...clientConfig(), max: 2 });
    const client: unknown = pool;
    expect(client instanceof Pool).toBe(true);
    expect(Object.getPrototypeOf(client).constructor.name.includes('Pool')).toBe(true);
    const session = await pool.connect();
    const onError = () => {};
    session.on('error', onError);
    await session.query('begin');
    await session.query({
      text: 'insert into edgepg_pool_drizzle (v) values ($1)',
      values: ['a'],
      rowMode: 'array',
    });
    await session.query('commit');
    session.off('error', onError);
    session.release();

    // A failing transaction: rollback, then release with the error (which destroys the client).
    const failing = await pool.connect();
    await failing.query('begin');
    await failing.query('insert into edgepg_pool_drizzle (v) values ($1)', ['b']);
    const error = await failing.query('select 1/0').catch((e: Error) => e);
    const rollback = await failing.query('rollback');
    expect(rollback.command).toBe('ROLLBACK');
    failing.release(error as Error);
    const { rows } = await pool.query('select v from edgepg_pool_drizzle order by id');
    expect(rows).toEqual([{ v: 'a' }]);
    await pool.end();
    await admin.query('drop table edgepg_pool_drizzle');
  });

  it('Kysely: options + password → control client cancels a pooled query by processID; release(true)', async () => {
    const pool = new Pool({ ...clientConfig(), max: 2 });
    const connection = (await pool.connect()) as PoolClient;
    const running = connection.query('select pg_sleep(5)').catch((e: Error) => e);
    await sleep(50);
    const Control = pool.Client;
    const control = new Control({ ...pool.options, password: pool.options.password });
    await control.connect();
    await control.query('select pg_cancel_backend($1)', [connection.processID]);
    await control.end();
    expect(await running).toMatchObject({ code: '57014' });
    // Kysely commits through query() and reads `command`; a COMMIT in a failed block is ROLLBACK.
    await connection.query('begin');
    await connection.query('select 1/0').catch(() => {});
    expect((await connection.query('commit')).command).toBe('ROLLBACK');
    const removed = new Promise((resolve) => pool.once('remove', resolve));
    connection.release(true);
    await removed;
    expect(pool.totalCount).toBe(0);
    await pool.end();
  });
});
