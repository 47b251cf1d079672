/**
 * `statementCache`: the opt-in automatic prepared statements of Client and Pool. Evidence comes
 * from the server (pg_prepared_statements: names, texts, plan counts) and, over TCP, from the
 * frontend messages the client actually sent.
 */
import type { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type ClientConfig, type QueryConfig } from '../../src/client/client.js';
import { ConfigError } from '../../src/core/errors.js';
import type { Result } from '../../src/core/result.js';
import { Pool } from '../../src/pool/pool.js';
import { pg } from '../core/oracle.js';
import { sampleQueries } from '../fixtures/sample-values.js';
import { clientConfig, connectionString, pgInfo } from '../setup/pg.js';
import { type FlightProxy, startFlightProxy } from '../support/flight-proxy.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

interface PreparedRow {
  name: string;
  statement: string;
  plans: number;
}

/** This session's prepared statements (a simple query: never cached itself). */
async function preparedOn(client: Client): Promise<PreparedRow[]> {
  const result = await client.query(
    'select name, statement, (generic_plans + custom_plans)::int as plans from pg_prepared_statements order by name',
  );
  return result.rows as PreparedRow[];
}

/** What a result shows a caller: rows, columns, command, count. */
function shape(
  result: Result | { rows: unknown[]; fields: object[]; command: string | null; rowCount: number | null },
) {
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields.map((f) => {
      const { name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format } = f as Record<
        string,
        unknown
      >;
      return { name, tableID, columnID, dataTypeID, dataTypeSize, dataTypeModifier, format };
    }),
  };
}

function codeOf(outcome: PromiseSettledResult<unknown>): string | undefined {
  return outcome.status === 'rejected' ? (outcome.reason as { code?: string }).code : undefined;
}

/** Queries with values of several types, rowMode, per-query types, no rows and no result. */
const paramQueries: QueryConfig[] = [
  {
    text: 'select $1::int as i, $2::text as t, $3::bool as b, $4::numeric as n, $5::timestamptz as ts, $6::bytea as by, $7::jsonb as j, $8::int[] as arr, $9::text as nul',
    values: [
      42,
      'héllo ✓',
      true,
      '12.50',
      new Date('2024-01-02T03:04:05.678Z'),
      Buffer.from([1, 2, 255]),
      JSON.stringify({ a: [1, 'x'] }),
      [1, 2, 3],
      null,
    ],
  },
  {
    text: 'select typname, oid, typlen from pg_catalog.pg_type where typname = any($1::text[]) order by typname',
    values: [['bool', 'int4', 'text']],
  },
  { text: 'select $1::int + 1 as n, $2::text as s', values: [41, 'array mode'], rowMode: 'array' },
  { text: 'select 1 as x where $1::bool', values: [false] },
  {
    text: 'select $1::int as n, now() as t',
    values: [7],
    types: { getTypeParser: (oid: number) => (value: string) => `${oid}:${value.length > 0}` },
  },
  { text: 'select 1 as x, 2 as x', queryMode: 'extended' },
  { text: 'do $$ begin perform 1; end $$', queryMode: 'extended' },
];

describe.each(transports)('statementCache over %s', (transport) => {
  const open = async (extra: Partial<ClientConfig> = {}): Promise<Client> => {
    const client = new Client({ ...configFor(transport), ...extra });
    await client.connect();
    return client;
  };

  it('results are identical cached (leader, followers in flight, later runs), uncached and with pg', async () => {
    const cached = await open({ statementCache: 100 });
    const plain = await open();
    const oracle = new pg.Client({ connectionString: connectionString() }) as unknown as PgClient;
    await oracle.connect();
    try {
      const queries: QueryConfig[] = [
        ...paramQueries.filter((q) => !q.text.startsWith('do ')),
        ...sampleQueries.map((q) => ({ text: q.text, values: q.values, queryMode: 'extended' as const })),
      ];
      const expected: unknown[] = [];
      for (const q of queries) expected.push(await oracle.query(q as never));
      // Three of each in flight at once: a leader and two followers per text.
      const firstRuns = await Promise.all(queries.flatMap((q) => [q, q, q]).map((q) => cached.query(q)));
      const laterRuns: Result[] = [];
      for (const q of queries) laterRuns.push(await cached.query(q));
      const uncached = await Promise.all(queries.map((q) => plain.query(q)));
      queries.forEach((q, i) => {
        const want = shape(expected[i] as never);
        for (let k = 0; k < 3; k++) expect(shape(firstRuns[3 * i + k]), `${q.text} run ${k}`).toEqual(want);
        expect(shape(laterRuns[i]), `${q.text} cached`).toEqual(want);
        expect(shape(uncached[i]), `${q.text} uncached`).toEqual(want);
      });
      // Every text is prepared once, and ran 4 times on that one statement.
      const prepared = await preparedOn(cached);
      expect(prepared.length).toBe(new Set(queries.map((q) => q.text)).size);
      for (const row of prepared) {
        expect(row.name).toMatch(/^edgepg_s\d+$/);
        const runs = queries.filter((q) => q.text === row.statement).length * 4;
        expect(row.plans, row.statement).toBe(runs);
      }
    } finally {
      await Promise.all([cached.end(), plain.end(), oracle.end()]);
    }
  });

  it('a statement with no result and an INSERT keep command and rowCount', async () => {
    const client = await open({ statementCache: 10 });
    try {
      await client.query('create temp table sc_counts (n int)');
      const insert = { text: 'insert into sc_counts select generate_series(1, $1::int)', values: [3] };
      const first = await client.query(insert);
      const second = await client.query(insert);
      expect([first.command, first.rowCount, second.command, second.rowCount]).toEqual([
        'INSERT',
        3,
        'INSERT',
        3,
      ]);
      expect(second.fields).toEqual([]);
      const doBlock = paramQueries.find((q) => q.text.startsWith('do '))!;
      const runs = [await client.query(doBlock), await client.query(doBlock)];
      expect(runs.map((r) => r.command)).toEqual(['DO', 'DO']);
      expect((await client.query('select count(*)::int as n from sc_counts')).rows).toEqual([{ n: 6 }]);
    } finally {
      await client.end();
    }
  });

  it('later runs reuse the one prepared statement', async () => {
    const client = await open({ statementCache: 5 });
    try {
      const text = 'select $1::int * 2 as doubled';
      for (let i = 0; i < 6; i++) expect((await client.query(text, [i])).rows).toEqual([{ doubled: 2 * i }]);
      expect(await preparedOn(client)).toEqual([
        { name: expect.stringMatching(/^edgepg_s/), statement: text, plans: 6 },
      ]);
    } finally {
      await client.end();
    }
  });

  it('keeps at most N statements, evicting the least recently used', async () => {
    const client = await open({ statementCache: 3 });
    try {
      const text = (k: number) => `select $1::int + ${k} as v`;
      for (let k = 1; k <= 5; k++) expect((await client.query(text(k), [1])).rows[0].v).toBe(1 + k);
      expect((await preparedOn(client)).map((r) => r.statement).sort()).toEqual([text(3), text(4), text(5)]);
      await client.query(text(3), [1]); // 3 is now the most recently used: 4 goes next
      await client.query(text(6), [1]);
      expect((await preparedOn(client)).map((r) => r.statement).sort()).toEqual([text(3), text(5), text(6)]);
      // Many new texts in flight at once: still at most 3 afterwards.
      const many = await Promise.all(Array.from({ length: 40 }, (_, k) => client.query(text(100 + k), [k])));
      expect(many.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 40 }, (_, k) => 100 + 2 * k));
      await client.query(text(1), [0]);
      expect((await preparedOn(client)).length).toBe(3);
    } finally {
      await client.end();
    }
  });

  it('50 identical new queries with a syntax error in flight: all get 42601, none 26000', async () => {
    const client = await open({ statementCache: 10 });
    try {
      const text = 'selec $1::int';
      const settled = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => client.query(text, [i])));
      expect(settled.map(codeOf)).toEqual(Array.from({ length: 50 }, () => '42601'));
      expect((await client.query('select $1::int as ok', [1])).rows).toEqual([{ ok: 1 }]);
      expect((await preparedOn(client)).map((r) => r.statement)).toEqual(['select $1::int as ok']);
      // Inside a transaction block the followers cannot be re-run: they get the leader's error.
      await client.query('begin');
      const inBlock = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => client.query(text, [i])));
      expect(inBlock.map(codeOf)[0]).toBe('42601');
      expect(inBlock.map(codeOf).slice(1)).not.toContain('26000');
      await client.query('rollback');
      expect((await client.query('select $1::int as ok', [2])).rows).toEqual([{ ok: 2 }]);
    } finally {
      await client.end();
    }
  });

  it('ALTER TABLE between two runs outside a transaction: re-prepared transparently', async () => {
    const client = await open({ statementCache: 10 });
    const table = `sc_alter_${transport}`;
    try {
      await client.query(`drop table if exists ${table}; create table ${table} (id int, a text)`);
      await client.query(`insert into ${table} values (1, 'one')`);
      const text = `select * from ${table} where id = $1`;
      expect((await client.query(text, [1])).rows).toEqual([{ id: 1, a: 'one' }]);
      const before = await preparedOn(client);
      await client.query(`alter table ${table} add column b text default 'bee'`);
      const after = await client.query(text, [1]);
      expect(after.rows).toEqual([{ id: 1, a: 'one', b: 'bee' }]);
      expect(after.fields.map((f) => f.name)).toEqual(['id', 'a', 'b']);
      // Several in flight, all bound to the stale statement: none ran, so all are re-run, in order.
      await client.query(`alter table ${table} add column c int default 3`);
      const again = await Promise.all(Array.from({ length: 5 }, () => client.query(text, [1])));
      for (const r of again) expect(r.rows).toEqual([{ id: 1, a: 'one', b: 'bee', c: 3 }]);
      await client.query('select $1::int', [0]); // carries the Close of the replaced statement
      const prepared = (await preparedOn(client)).filter((r) => r.statement === text);
      expect(prepared.length).toBe(1);
      expect(prepared[0].name).not.toBe(before.find((r) => r.statement === text)?.name);
    } finally {
      await client.query(`drop table if exists ${table}`);
      await client.end();
    }
  });

  it('a query whose messages cannot be built leaves the cache as it was', async () => {
    const client = await open({ statementCache: 1 });
    try {
      await client.query('select $1::int as a', [1]);
      // Evicts the first statement (its Close is queued), then fails to build its Bind.
      const values = Array.from({ length: 40_000 }, (_, i) => i);
      const text = `select ${values.map((_, i) => `$${i + 1}::int`).join('+')} as s`;
      await expect(client.query(text, values)).rejects.toThrow();
      // Nothing of it was sent; the queued Close still goes out with the next cached query.
      expect((await client.query('select $1::int as b', [2])).rows).toEqual([{ b: 2 }]);
      expect((await preparedOn(client)).map((r) => r.statement)).toEqual(['select $1::int as b']);
    } finally {
      await client.end();
    }
  });

  it('a stale-statement query is never re-run behind a query sent after it', async () => {
    const client = await open({ statementCache: 10 });
    const table = `sc_order_${transport}`;
    try {
      await client.query(`drop table if exists ${table}; create table ${table} (id int, v int)`);
      await client.query(`insert into ${table} values (1, 0)`);
      const text = `select * from ${table} where id = $1`;
      await client.query(text, [1]);
      await client.query(`alter table ${table} add column w int`);
      const read = client.query(text, [1]);
      const write = client.query(`update ${table} set v = 1 where id = $1`, [1]);
      const [readOutcome, writeOutcome] = await Promise.allSettled([read, write]);
      // Re-run after the update, the read would have seen v = 1, which an uncached run never does.
      expect(codeOf(readOutcome)).toBe('0A000');
      expect(writeOutcome.status).toBe('fulfilled');
      expect((await client.query(text, [1])).rows).toEqual([{ id: 1, v: 1, w: null }]);
    } finally {
      await client.query(`drop table if exists ${table}`);
      await client.end();
    }
  });

  it('a 0A000 or 26000 raised while the statement runs is its own error, not re-run', async () => {
    const client = await open({ statementCache: 10 });
    const seq = `sc_side_${transport}`;
    try {
      await client.query(`drop sequence if exists ${seq}; create sequence ${seq}`);
      await client.query(
        `create or replace function pg_temp.sc_refuse(i int) returns int language plpgsql as $$ begin raise exception 'refused %', i using errcode = 'feature_not_supported'; end $$`,
      );
      const text = `select nextval('${seq}'), pg_temp.sc_refuse($1)`;
      for (let run = 0; run < 3; run++) {
        const [outcome] = await Promise.allSettled([client.query(text, [run])]);
        expect(codeOf(outcome)).toBe('0A000');
      }
      // One nextval per run: a cached run that failed after its Bind was not run again.
      expect((await client.query(`select last_value from ${seq}`)).rows).toEqual([{ last_value: '3' }]);
      // The statement is still cached (not evicted by its own error).
      expect((await preparedOn(client)).filter((r) => r.statement === text)).toHaveLength(1);
      // A 26000 from the statement itself (DEALLOCATE of a missing name) is reported, and
      // leaves no stray automatic statements behind.
      for (let run = 0; run < 4; run++) {
        const [outcome] = await Promise.allSettled([
          client.query({ text: 'deallocate sc_missing', values: [], queryMode: 'extended' }),
        ]);
        expect(codeOf(outcome)).toBe('26000');
      }
      expect((await preparedOn(client)).filter((r) => r.statement.startsWith('deallocate'))).toHaveLength(1);
    } finally {
      await client.query(`drop sequence if exists ${seq}`);
      await client.end();
    }
  });

  it('ALTER TABLE inside a transaction: 0A000 surfaces and the entry is evicted', async () => {
    const client = await open({ statementCache: 10 });
    const table = `sc_alter_tx_${transport}`;
    try {
      await client.query(`drop table if exists ${table}; create table ${table} (id int)`);
      await client.query(`insert into ${table} values (1)`);
      const text = `select * from ${table} where id = $1`;
      await client.query(text, [1]);
      const oldName = (await preparedOn(client)).find((r) => r.statement === text)!.name;
      await client.query('begin');
      await client.query(`alter table ${table} add column b int default 2`);
      const failed = await client.query(text, [1]).then(
        () => undefined,
        (error: { code?: string }) => error.code,
      );
      expect(failed).toBe('0A000');
      // Another cached query in the failed transaction carries the Close of the stale statement.
      await expect(client.query('select $1::int', [5])).rejects.toMatchObject({ code: '25P02' });
      await client.query('rollback');
      const names = (await preparedOn(client)).map((r) => r.name);
      expect(names).not.toContain(oldName);
      expect((await client.query(text, [1])).rows).toEqual([{ id: 1 }]);
      const prepared = (await preparedOn(client)).filter((r) => r.statement === text);
      expect(prepared.map((r) => r.name)).not.toContain(oldName);
      expect(prepared.length).toBe(1);
    } finally {
      await client.query(`drop table if exists ${table}`);
      await client.end();
    }
  });

  it('DISCARD ALL and DEALLOCATE ALL empty the cache, also with cached queries pipelined behind', async () => {
    const client = await open({ statementCache: 10 });
    try {
      const text = 'select $1::text as s';
      await client.query(text, ['a']);
      await client.query('discard all');
      expect(await preparedOn(client)).toEqual([]);
      expect((await client.query(text, ['b'])).rows).toEqual([{ s: 'b' }]);
      expect((await preparedOn(client)).map((r) => r.statement)).toEqual([text]);
      // Inside a transaction block a 26000 could not be retried: the command itself is noticed.
      await client.query('begin');
      await client.query('deallocate all');
      expect((await client.query(text, ['c'])).rows).toEqual([{ s: 'c' }]);
      await client.query('commit');
      expect((await preparedOn(client)).map((r) => r.statement)).toEqual([text]);
      // Bound to the statement right behind the DISCARD ALL that drops it: re-run, not 26000.
      const mixed = await Promise.all([
        client.query(text, ['d']),
        client.query('discard all'),
        client.query(text, ['e']),
        client.query(text, ['f']),
      ]);
      expect(mixed.map((r) => r.rows[0]?.s)).toEqual(['d', undefined, 'e', 'f']);
      expect((await preparedOn(client)).map((r) => r.statement)).toEqual([text]);
    } finally {
      await client.end();
    }
  });

  it('off by default (and with 0): nothing is prepared', async () => {
    for (const extra of [{}, { statementCache: 0 }]) {
      const client = await open(extra);
      try {
        for (let i = 0; i < 3; i++) await client.query('select $1::int as n', [i]);
        await client.query({ text: 'select 1 as x', queryMode: 'extended' });
        expect(await preparedOn(client)).toEqual([]);
      } finally {
        await client.end();
      }
    }
  });

  it('a query with a name keeps pg semantics', async () => {
    const client = await open({ statementCache: 10 });
    try {
      const q = { name: 'mine', text: 'select $1::int as n', values: [1] };
      await client.query(q);
      await client.query({ ...q, values: [2] });
      expect(await preparedOn(client)).toEqual([{ name: 'mine', statement: q.text, plans: 2 }]);
    } finally {
      await client.end();
    }
  });

  it('a Pool with statementCache: each connection has its own cache', async () => {
    const pool = new Pool({ ...configFor(transport), max: 2, statementCache: 4 });
    try {
      const text = 'select $1::int + 1 as n';
      const a = await pool.connect();
      const b = await pool.connect();
      await a.query(text, [1]);
      expect((await preparedOn(a)).map((r) => r.statement)).toEqual([text]);
      expect(await preparedOn(b)).toEqual([]);
      expect((await b.query(text, [2])).rows).toEqual([{ n: 3 }]);
      expect((await preparedOn(b)).map((r) => r.statement)).toEqual([text]);
      a.release();
      b.release();
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => pool.query(text, [i])));
      expect(results.map((r) => r.rows[0].n)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    } finally {
      await pool.end();
    }
  });
});

describe('statementCache messages over TCP', () => {
  let proxy: FlightProxy;
  beforeAll(async () => {
    proxy = await startFlightProxy(pgInfo());
  });
  afterAll(async () => {
    await proxy?.close();
  });

  const open = async (statementCache?: number) => {
    const client = new Client({
      ...clientConfig(),
      host: '127.0.0.1',
      port: proxy.port,
      transport: 'tcp',
      statementCache,
    });
    const index = proxy.connections.length;
    await client.connect();
    const log = proxy.connections[index];
    log.reset();
    return { client, log };
  };

  it('first run: Parse + Describe statement + Bind + Execute + Sync; later runs: Bind + Execute + Sync', async () => {
    const { client, log } = await open(10);
    try {
      await client.query('select $1::int as n', [1]);
      expect(log.frontend).toEqual(['P', 'D', 'B', 'E', 'S']);
      log.reset();
      expect((await client.query('select $1::int as n', [2])).rows).toEqual([{ n: 2 }]);
      expect(log.frontend).toEqual(['B', 'E', 'S']);
      log.reset();
      // A new text three times in flight: the followers Bind right behind the leader's Parse.
      await Promise.all([1, 2, 3].map((i) => client.query('select $1::text as t', [String(i)])));
      expect(log.frontend).toEqual(['P', 'D', 'B', 'E', 'S', 'B', 'E', 'S', 'B', 'E', 'S']);
    } finally {
      await client.end();
    }
  });

  it('after DISCARD ALL the next run prepares again (no failing Bind first)', async () => {
    const { client, log } = await open(10);
    try {
      await client.query('select $1::int as n', [1]);
      await client.query('discard all');
      log.reset();
      await client.query('select $1::int as n', [2]);
      expect(log.frontend).toEqual(['P', 'D', 'B', 'E', 'S']);
    } finally {
      await client.end();
    }
  });

  it('an eviction sends a Close with the query that caused it', async () => {
    const { client, log } = await open(1);
    try {
      await client.query('select $1::int as a', [1]);
      log.reset();
      await client.query('select $1::int as b', [1]);
      expect(log.frontend).toEqual(['C', 'P', 'D', 'B', 'E', 'S']);
    } finally {
      await client.end();
    }
  });

  it('off: the unnamed statement, parsed and described every time', async () => {
    const { client, log } = await open();
    try {
      await client.query('select $1::int as n', [1]);
      await client.query('select $1::int as n', [2]);
      expect(log.frontend).toEqual(['P', 'B', 'D', 'E', 'S', 'P', 'B', 'D', 'E', 'S']);
    } finally {
      await client.end();
    }
  });
});

describe('a Pool connection replaced after its backend was terminated', () => {
  it('starts with an empty cache on the new connection', async () => {
    const pool = new Pool({ ...clientConfig(), transport: 'tcp', max: 1, statementCache: 4 });
    pool.on('error', () => {}); // the terminated idle connection reports here
    const admin = new Client({ ...clientConfig(), transport: 'tcp' });
    await admin.connect();
    try {
      const text = 'select $1::int as n, pg_backend_pid() as pid';
      const first = await pool.query(text, [1]);
      const ended = new Promise((resolve) => pool.once('remove', resolve));
      await admin.query('select pg_terminate_backend($1)', [first.rows[0].pid]);
      await ended;
      const second = await pool.query(text, [2]);
      expect(second.rows[0].n).toBe(2);
      expect(second.rows[0].pid).not.toBe(first.rows[0].pid);
      const client = await pool.connect();
      try {
        expect((await preparedOn(client)).map((r) => [r.statement, r.plans])).toEqual([[text, 1]]);
      } finally {
        client.release();
      }
    } finally {
      await Promise.all([pool.end(), admin.end()]);
    }
  });
});

describe('statements across a pipelined-connect fallback', () => {
  it.each(transports)(
    'over %s: queries sent before the fallback are prepared again on the new connection',
    async (transport) => {
      // The scram role is asked for SCRAM: the speculated cleartext password is refused before
      // anything ran, and the client reconnects with the queries it had already written.
      const client = new Client({
        ...configFor(transport, 'scram'),
        pipelineConnect: 'password',
        statementCache: 5,
      });
      const named = client.query({ name: 'fallback_named', text: 'select $1::int as n', values: [1] });
      const auto = client.query('select $1::text as t', ['x']);
      await client.connect();
      try {
        expect((await named).rows).toEqual([{ n: 1 }]);
        expect((await auto).rows).toEqual([{ t: 'x' }]);
        expect(
          (await client.query({ name: 'fallback_named', text: 'select $1::int as n', values: [2] })).rows,
        ).toEqual([{ n: 2 }]);
        expect((await client.query('select $1::text as t', ['y'])).rows).toEqual([{ t: 'y' }]);
        expect((await preparedOn(client)).map((r) => r.statement).sort()).toEqual([
          'select $1::int as n',
          'select $1::text as t',
        ]);
      } finally {
        await client.end();
      }
    },
  );
});

describe('statementCache validation', () => {
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '10', true])('rejects %s', (value) => {
    expect(() => new Client({ ...clientConfig(), statementCache: value as number })).toThrow(ConfigError);
    expect(() => new Pool({ ...clientConfig(), statementCache: value as number })).toThrow(
      /statementCache must be a non-negative integer/,
    );
  });

  it('accepts 0, a positive integer and undefined', () => {
    for (const value of [0, 1, 250, undefined]) {
      expect(() => new Client({ ...clientConfig(), statementCache: value })).not.toThrow();
    }
  });
});
