/**
 * `/sql` batches: `transaction()` of the real driver with every option, START TRANSACTION … COMMIT
 * with the isolation / read-only / deferrable headers echoed back, and all-or-nothing failures.
 */
import { type NeonDbError, type NeonQueryFunction, neon } from '@neondatabase/serverless';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientConfig } from '../setup/pg.js';
import { pointNeonAt, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let direct: pg.Client;
let restore: () => void;

beforeAll(async () => {
  t = await startTestServer();
  direct = new pg.Client(clientConfig('scram'));
  await direct.connect();
  await direct.query('drop table if exists batch_t; create table batch_t (id int primary key, v text)');
});
afterAll(async () => {
  await direct.query('drop table if exists batch_t');
  await direct.end();
  await t.server.close();
});
beforeEach(async () => {
  restore = pointNeonAt();
  await direct.query('truncate batch_t');
});
afterEach(() => restore());

const settings = (sql: NeonQueryFunction<false, false>) => [
  sql`select current_setting('transaction_isolation') as iso`,
  sql`select current_setting('transaction_read_only') as ro`,
  sql`select current_setting('transaction_deferrable') as def`,
  sql`select count(*)::int as open from pg_stat_activity where pid = pg_backend_pid() and state = 'active' and xact_start is not null`,
];

describe('transaction() with the real driver', () => {
  it('runs every query in one transaction, in order, with per-query results', async () => {
    const sql = neon(t.url('scram'));
    const results = await sql.transaction([
      sql`insert into batch_t values (1, 'a') returning id`,
      sql`insert into batch_t values (2, 'b')`,
      sql`select txid_current() = txid_current() as same, count(*)::int as n from batch_t`,
    ]);
    expect(results).toEqual([[{ id: 1 }], [], [{ same: true, n: 2 }]]);
    // One transaction: every statement saw the same transaction id.
    const xids = await sql.transaction((tx) => [
      tx`select txid_current() as x`,
      tx`select txid_current() as x`,
    ]);
    expect(xids[0][0].x).toBe(xids[1][0].x);
  });

  it('defaults to the server default isolation, read write, not deferrable', async () => {
    const sql = neon(t.url('scram'));
    const [iso, ro, def, active] = await sql.transaction(settings(sql));
    expect([iso[0].iso, ro[0].ro, def[0].def, active[0].open]).toEqual(['read committed', 'off', 'off', 1]);
  });

  const levels = [
    ['ReadUncommitted', 'read uncommitted'],
    ['ReadCommitted', 'read committed'],
    ['RepeatableRead', 'repeatable read'],
    ['Serializable', 'serializable'],
  ] as const;
  for (const [level, shown] of levels) {
    it(`isolationLevel ${level}, readOnly and deferrable`, async () => {
      const sql = neon(t.url('scram'));
      const [iso, ro, def] = await sql.transaction(settings(sql), {
        isolationLevel: level,
        readOnly: true,
        deferrable: true,
      });
      expect([iso[0].iso, ro[0].ro, def[0].def]).toEqual([shown, 'on', 'on']);
    });
  }

  it('readOnly: false and deferrable: false mean the defaults', async () => {
    const sql = neon(t.url('scram'));
    const [, ro, def] = await sql.transaction(settings(sql), { readOnly: false, deferrable: false });
    expect([ro[0].ro, def[0].def]).toEqual(['off', 'off']);
  });

  it('a read-only batch cannot write', async () => {
    const sql = neon(t.url('scram'));
    const error = await sql
      .transaction([sql`insert into batch_t values (9, 'x')`], { readOnly: true })
      .catch((e: NeonDbError) => e);
    expect(error).toMatchObject({ name: 'NeonDbError', code: '25006' });
  });

  it('a failing query rolls the whole batch back and stops the rest', async () => {
    const sql = neon(t.url('scram'));
    const error = await sql
      .transaction([
        sql`insert into batch_t values (1, 'kept?')`,
        sql`insert into batch_t values (1, 'duplicate')`,
        sql`insert into batch_t values (3, 'never')`,
      ])
      .catch((e: NeonDbError) => e);
    expect(error).toMatchObject({
      name: 'NeonDbError',
      code: '23505',
      constraint: 'batch_t_pkey',
      detail: 'Key (id)=(1) already exists.',
    });
    expect((await direct.query('select count(*)::int as n from batch_t')).rows).toEqual([{ n: 0 }]);
    // The connection was rolled back and reused: the next batch works.
    expect(await sql.transaction([sql`select 1 as one`])).toEqual([[{ one: 1 }]]);
  });

  it('per-query arrayMode and fullResults inside a transaction', async () => {
    const sql = neon(t.url('scram'));
    // Works at runtime although the driver's types forbid per-query options here.
    const queries = [
      sql.query('select 1 as x', [], { arrayMode: true }),
      sql.query('select 2 as y', [], { fullResults: true }),
    ] as unknown as Parameters<typeof sql.transaction>[0];
    const [a, b] = await sql.transaction(queries);
    expect(a).toEqual([[1]]);
    expect(b).toMatchObject({ command: 'SELECT', rowCount: 1, rows: [{ y: 2 }] });
  });

  it('an empty transaction', async () => {
    const sql = neon(t.url('scram'));
    expect(await sql.transaction([])).toEqual([]);
  });
});

describe('raw batch requests', () => {
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(t.server.sqlUrl, {
      method: 'POST',
      headers: { 'Neon-Connection-String': t.url('scram'), ...headers },
      body: JSON.stringify(body),
    });

  it('echoes the batch headers: the level when given, the flags only when true', async () => {
    const all = await post(
      { queries: [{ query: 'select 1 as a' }] },
      {
        'Neon-Batch-Isolation-Level': 'RepeatableRead',
        'Neon-Batch-Read-Only': 'true',
        'Neon-Batch-Deferrable': 'true',
      },
    );
    expect(all.status).toBe(200);
    expect(all.headers.get('neon-batch-isolation-level')).toBe('RepeatableRead');
    expect(all.headers.get('neon-batch-read-only')).toBe('true');
    expect(all.headers.get('neon-batch-deferrable')).toBe('true');
    expect(await all.text()).toBe(
      '{"results":[{"fields":[{"name":"a","dataTypeID":23,"tableID":0,"columnID":0,"dataTypeSize":4,' +
        '"dataTypeModifier":-1,"format":"text"}],"rows":[{"a":1}],"command":"SELECT","rowCount":1,"rowAsArray":false}]}',
    );

    const none = await post(
      { queries: [] },
      { 'Neon-Batch-Read-Only': 'false', 'Neon-Batch-Deferrable': 'True' },
    );
    expect(none.headers.get('neon-batch-read-only')).toBeNull();
    expect(none.headers.get('neon-batch-deferrable')).toBeNull();
    expect(none.headers.get('neon-batch-isolation-level')).toBeNull();
    expect(await none.text()).toBe('{"results":[]}');
  });

  it('single queries never echo batch headers', async () => {
    const r = await post({ query: 'select 1' }, { 'Neon-Batch-Read-Only': 'true' });
    expect(r.headers.get('neon-batch-read-only')).toBeNull();
    await r.text();
  });

  it('per-query arrayMode in the body', async () => {
    const r = await post({
      queries: [{ query: 'select 1 as a', arrayMode: true }, { query: 'select 2 as b' }],
    });
    const json = await r.json();
    expect(json.results.map((x: { rows: unknown[] }) => x.rows)).toEqual([[[1]], [{ b: 2 }]]);
  });
});
