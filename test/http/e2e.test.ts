/**
 * End to end: our `neon()` over real HTTP against the local Neon-compatible server
 * (`startServer`, src/server) in front of the test PostgreSQL. Every sample query's `fullResults`
 * must equal what npm `pg` returns over TCP (rows strictly, plus fields, command and rowCount),
 * in object and array mode; transactions, errors and the real `fetch` path are exercised too.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FullQueryResults, NeonDbError, type NeonQueryFunction, neon } from '../../src/http/index.js';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { sampleQueries } from '../fixtures/sample-values.js';
import { clientConfig, credentials, pgInfo } from '../setup/pg.js';
import { plain } from './helpers/compare.js';

let server: LocalServer;
let direct: pg.Client;
let url: string;
/** The local-endpoint convention: the /sql endpoint is derived from the connection string's host and port. */
const fetchEndpoint = (host: string, port: string | number) => `http://${host}:${port}/sql`;

beforeAll(async () => {
  const info = pgInfo();
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  const { user, password } = credentials('scram');
  url = server.connectionString({ user, password, database: info.database });
  direct = new pg.Client(clientConfig('scram'));
  await direct.connect();
});
afterAll(async () => {
  await direct?.end();
  await server?.close();
});

/**
 * pg's result as plain data for the comparison (its Field objects; class instances in rows, such
 * as postgres-interval's, by class name and fields, since our registry has its own classes).
 */
function fromPg(result: pg.QueryResult) {
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: plain(result.rows),
    fields: result.fields.map((f) => ({ ...f })),
  };
}

function fromOurs(result: FullQueryResults<boolean>) {
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: plain(result.rows),
    fields: result.fields.map((f) => ({ ...f })),
  };
}

describe('neon() over HTTP against the local server equals pg over TCP', () => {
  for (const sample of sampleQueries) {
    it(sample.name, async () => {
      const sql = neon(url, { fullResults: true, fetchEndpoint });
      const ours = await sql.query(sample.text, sample.values);
      const theirs = await direct.query({ text: sample.text, values: sample.values });
      expect(fromOurs(ours)).toStrictEqual(fromPg(theirs));
      expect((ours as unknown as { viaNeonFetch: boolean }).viaNeonFetch).toBe(true);

      const arrays = await sql.query(sample.text, sample.values, { arrayMode: true });
      const pgArrays = await direct.query({ text: sample.text, values: sample.values, rowMode: 'array' });
      expect(plain(arrays.rows)).toStrictEqual(plain(pgArrays.rows));
      expect(arrays.rowAsArray).toBe(true);
    });
  }

  it('templates with every kind of parameter', async () => {
    const sql: NeonQueryFunction<false, false> = neon(url, { fetchEndpoint });
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    const [row] =
      await sql`SELECT ${when}::timestamptz AS t, ${{ a: [1] }}::jsonb AS j, ${[1, null, 3]}::int[] AS a,
      ${Buffer.from([0, 255])}::bytea AS b, ${9007199254740993n}::int8 AS big, ${null}::text AS n,
      ${sql`${'nested'} || ${'!'}`} AS nested`;
    expect(row).toStrictEqual({
      t: when,
      j: { a: [1] },
      a: [1, null, 3],
      b: Buffer.from([0, 255]),
      big: '9007199254740993',
      n: null,
      nested: 'nested!',
    });
  });

  it('a transaction with options and per-query modes', async () => {
    const sql = neon(url, { fetchEndpoint });
    const [a, b, c] = await sql.transaction(
      (tx) => [
        tx`SELECT current_setting('transaction_isolation') AS iso`,
        tx`SELECT current_setting('transaction_read_only') AS ro`,
        tx`SELECT ${1}::int AS one`,
      ],
      { isolationLevel: 'Serializable', readOnly: true, fullResults: true },
    );
    expect(a.rows).toEqual([{ iso: 'serializable' }]);
    expect(b.rows).toEqual([{ ro: 'on' }]);
    expect(c.rows).toEqual([{ one: 1 }]);
    const mixed = await sql.transaction([
      sql.query('SELECT 1 AS x', [], { arrayMode: true }),
      sql`SELECT 2 AS y`,
    ]);
    expect(mixed).toEqual([[[1]], [{ y: 2 }]]);
  });

  it('a Postgres error carries the same fields as pg’s DatabaseError', async () => {
    const text = 'SELECT 1/0 AS boom';
    const ours = await neon(url, { fetchEndpoint })
      .query(text)
      .catch((e: unknown) => e);
    const theirs = await direct.query(text).catch((e: unknown) => e);
    expect(ours).toBeInstanceOf(NeonDbError);
    const pgError = theirs as pg.DatabaseError;
    const ourError = ours as NeonDbError;
    expect(ourError.message).toBe(pgError.message);
    for (const field of [
      'severity',
      'code',
      'detail',
      'hint',
      'position',
      'where',
      'file',
      'routine',
    ] as const) {
      expect(ourError[field], field).toBe(pgError[field]);
    }
  });

  it('authentication failures and unknown databases are NeonDbErrors', async () => {
    const info = pgInfo();
    const { user } = credentials('scram');
    const wrong = server.connectionString({ user, password: 'wrong', database: info.database });
    const error = await neon(wrong, { fetchEndpoint })`SELECT 1`.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).message).toMatch(/password authentication failed/);
  });
});
