/**
 * Differential tests against the real `@neondatabase/serverless` 1.2.0: every scenario runs
 * through both drivers, each pointed (via its `neonConfig.fetchFunction`) at the same pg-backed
 * `/sql` stand-in (./helpers/sql-endpoint.ts). We assert that
 *
 *   1. the HTTP requests are identical — method, URL, every header, body, other fetch init keys —
 *      except our `application_name` in `Neon-Connection-String` (intentional: it names edgepg);
 *   2. the parsed results (or errors) are identical.
 *
 * Intentional differences are tested in ./differences.test.ts.
 */
import * as Neon from '@neondatabase/serverless';
import type { Client as PgClient } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { neonConfig, neon as ourNeon } from '../../src/http/index.js';
import { pg } from '../core/oracle.js';
import { sampleQueries } from '../fixtures/sample-values.js';
import { connectionString } from '../setup/pg.js';
import { comparableError, comparableResult, normalizeRequest } from './helpers/compare.js';
import { type CapturedRequest, sqlEndpoint } from './helpers/sql-endpoint.js';

// biome-ignore lint/suspicious/noExplicitAny: one scenario body drives two differently typed drivers
type AnySql = any;
type Factory = (...args: unknown[]) => AnySql;

const URL =
  'postgresql://alice:s3cr%24t@ep-cool-darkness-123456.us-east-2.aws.neon.tech/neondb?sslmode=require';

let client: PgClient;
const neonLog: CapturedRequest[] = [];
const ourLog: CapturedRequest[] = [];

beforeAll(async () => {
  client = new pg.Client(connectionString('superuser'));
  await client.connect();
  await client.query('CREATE TEMP TABLE diff_items (id serial primary key, name text unique, data jsonb)');
  Neon.neonConfig.fetchFunction = sqlEndpoint(client, neonLog);
  neonConfig.fetchFunction = sqlEndpoint(client, ourLog);
});
afterEach(() => {
  neonLog.length = 0;
  ourLog.length = 0;
});
afterAll(async () => {
  Neon.neonConfig.fetchFunction = undefined;
  neonConfig.fetchFunction = undefined;
  await client?.end();
});

async function settle(run: () => unknown): Promise<{ ok: boolean; value: unknown }> {
  try {
    return { ok: true, value: comparableResult(await run()) };
  } catch (error) {
    return { ok: false, value: comparableError(error) };
  }
}

/**
 * Runs `scenario` with both drivers (after `reset`, when the scenario changes data); asserts equal
 * requests and outcomes; returns ours.
 */
async function same(
  scenario: (neon: Factory) => unknown,
  reset?: () => Promise<unknown>,
): Promise<{ ok: boolean; value: unknown }> {
  await reset?.();
  const theirs = await settle(() => scenario(Neon.neon as Factory));
  await reset?.();
  const ours = await settle(() => scenario(ourNeon as Factory));
  expect(ourLog.map(normalizeRequest)).toStrictEqual(neonLog.map(normalizeRequest));
  expect(ours).toStrictEqual(theirs);
  neonLog.length = 0;
  ourLog.length = 0;
  return ours;
}

const modes = [
  { arrayMode: false, fullResults: false },
  { arrayMode: true, fullResults: false },
  { arrayMode: false, fullResults: true },
  { arrayMode: true, fullResults: true },
];

describe('differential: templates and composition', () => {
  it('a plain template', async () => {
    const r = await same((neon) => neon(URL)`SELECT ${1} AS a, ${'x'} AS b, ${null} AS c`);
    expect(r.value).toEqual([{ a: '1', b: 'x', c: null }]);
  });

  it('the spec example: nested fragments, unsafe, query() fragments, arrays, bytes', async () => {
    const r = await same((neon) => {
      const sql = neon(URL);
      return sql`SELECT ${sql`${1}::int AS a, ${'x'} AS b`}, ${[1, 2]}::int[] AS c, ${new Uint8Array([1, 2])} AS d ${sql.unsafe('LIMIT 5')} ${sql.query('OFFSET 0')}`;
    });
    expect(r.ok).toBe(true);
  });

  it('three levels of nesting keep one numbering', async () => {
    await same((neon) => {
      const sql = neon(URL, { arrayMode: true });
      const inner = sql`${3}::int + ${4}::int`;
      const middle = sql`${2}::int + (${inner})`;
      return sql`SELECT ${1}::int + (${middle}) AS total, ${'end'} AS tail`;
    });
  });

  it('a query() fragment with parameters is refused (not composable)', async () => {
    const r = await same((neon) => {
      const sql = neon(URL);
      return sql`SELECT ${sql.query('$1', [1])}`;
    });
    expect(r.ok).toBe(false);
  });

  it('parameters of every JS kind', async () => {
    const values = [
      new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      new Date(2024, 2, 10, 3, 30),
      { a: [1, { b: 'c"d' }] },
      true,
      false,
      null,
      undefined,
      2n ** 70n,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      1.5e300,
      Buffer.from('hi'),
      new Uint8Array([0, 255]),
      new Uint16Array([1, 2]),
      [1, null, [2, 3]],
      ['a"b', 'c\\d', null, ''],
      [Buffer.from([1, 2])],
      { toPostgres: () => 'custom' },
      'text with \'quotes\' and "doubles" and ünïcödé ✓ 😀',
    ];
    await same((neon) => {
      const sql = neon(URL);
      return sql`SELECT ${values[0]}::timestamptz AS d0, ${values[1]}::timestamp AS d1, ${values[2]}::jsonb AS j,
        ${values[3]}::bool AS t, ${values[4]}::bool AS f, ${values[5]}::text AS n, ${values[6]}::text AS u,
        ${values[7]}::numeric AS big, ${values[8]}::float8 AS z, ${values[9]}::float8 AS nan, ${values[10]}::float8 AS inf,
        ${values[11]}::float8 AS huge, ${values[12]} AS b1, ${values[13]} AS b2, ${values[14]} AS b3,
        ${values[15]}::int[] AS arr, ${values[16]}::text[] AS txt, ${values[17]}::bytea[] AS barr, ${values[18]}::text AS tp,
        ${values[19]} AS s`;
    });
  });

  it('an uncast binary parameter through query() comes back as its hex text', async () => {
    const r = await same((neon) => neon(URL).query('SELECT $1 AS b', [new Uint8Array([65, 66, 67])]));
    expect(r.value).toEqual([{ b: '\\x414243' }]);
  });
});

describe('differential: sample queries in every mode', () => {
  for (const sample of sampleQueries) {
    for (const mode of modes) {
      it(`${sample.name} (arrayMode ${mode.arrayMode}, fullResults ${mode.fullResults})`, async () => {
        // Set on neon(), on the query, and split between them.
        await same((neon) => neon(URL, mode).query(sample.text, sample.values));
        await same((neon) => neon(URL).query(sample.text, sample.values, mode));
        await same((neon) =>
          neon(URL, { arrayMode: mode.arrayMode }).query(sample.text, sample.values, {
            fullResults: mode.fullResults,
          }),
        );
      });
    }
  }

  it('commands without rows: CREATE, INSERT, UPDATE, DELETE, DROP, empty query', async () => {
    const reset = () =>
      client.query("TRUNCATE diff_items; INSERT INTO diff_items (name) VALUES ('x'), ('y')");
    const sql = (neon: Factory) => neon(URL, { fullResults: true });
    await same((neon) => sql(neon).query('CREATE TEMP TABLE IF NOT EXISTS d2 (x int)'));
    await same((neon) => sql(neon).query('DROP TABLE IF EXISTS d3'));
    await same(
      (neon) => sql(neon)`INSERT INTO diff_items (name) VALUES (${'a'}), (${'b'}) RETURNING name`,
      reset,
    );
    await same((neon) => sql(neon)`UPDATE diff_items SET data = ${{ k: 1 }} WHERE true`, reset);
    await same((neon) => sql(neon)`DELETE FROM diff_items WHERE name = ${'x'}`, reset);
    await same((neon) => sql(neon).query(''));
  });

  it('per-query custom types', async () => {
    const types = { getTypeParser: (oid: number) => (value: string) => `${oid}:${value}` };
    await same((neon) => neon(URL).query(`SELECT 1::int AS a, '2024-01-01'::date AS b`, [], { types }));
    await same((neon) => neon(URL).query('SELECT 1::int AS a', [], { types, fullResults: true }));
  });
});

describe('differential: transactions', () => {
  it('an array of queries, with transaction options', async () => {
    for (const opts of [
      undefined,
      { isolationLevel: 'Serializable', readOnly: true, deferrable: true },
      { isolationLevel: 'RepeatableRead', readOnly: false, deferrable: false },
      { isolationLevel: 'ReadCommitted' },
      { readOnly: true },
      ...modes,
    ]) {
      await same((neon) => {
        const sql = neon(URL);
        return sql.transaction([sql`SELECT ${1}::int AS a`, sql.query('SELECT $1::text AS b', ['x'])], opts);
      });
    }
  });

  it('a function returning queries', async () => {
    await same((neon) =>
      neon(URL).transaction((tx: AnySql) => [
        tx`SELECT ${1} AS a`,
        tx.query('SELECT 2 AS b'),
        tx`SELECT ${tx.unsafe('3')} AS c`,
      ]),
    );
  });

  it("each query's own arrayMode / fullResults / types win over the transaction's", async () => {
    const types = { getTypeParser: () => (value: string) => `typed:${value}` };
    await same((neon) => {
      const sql = neon(URL, { fullResults: true });
      return sql.transaction(
        [
          sql.query('SELECT 1 AS a', [], { arrayMode: true }),
          sql.query('SELECT 2 AS b', [], { fullResults: false }),
          sql.query('SELECT 3 AS c', [], { types }),
          sql`SELECT 4 AS d`,
        ],
        { arrayMode: false },
      );
    });
  });

  it('an empty batch', async () => {
    const r = await same((neon) => neon(URL).transaction([]));
    expect(r.value).toEqual([]);
  });

  it('a failing query rolls the batch back and rejects with the server error', async () => {
    await same((neon) => {
      const sql = neon(URL);
      return sql.transaction([
        sql`INSERT INTO diff_items (name) VALUES (${'dup'})`,
        sql`INSERT INTO diff_items (name) VALUES (${'dup'})`,
      ]);
    });
    expect((await client.query("SELECT count(*) FROM diff_items WHERE name = 'dup'")).rows[0].count).toBe(
      '0',
    );
  });

  it('invalid elements are rejected without a request', async () => {
    await same((neon) => neon(URL).transaction([Promise.resolve(1)]));
    await same((neon) => neon(URL).transaction(() => 'nope'));
    await same((neon) => neon(URL).transaction('nope'));
  });
});

describe('differential: options', () => {
  it('authToken: string, sync and async functions, per query', async () => {
    await same((neon) => neon(URL, { authToken: 'tok' })`SELECT 1 AS a`);
    await same((neon) => neon(URL, { authToken: () => 'sync-tok' })`SELECT 1 AS a`);
    await same((neon) => neon(URL, { authToken: async () => 'async-tok' })`SELECT 1 AS a`);
    await same((neon) => neon(URL, { authToken: 'a' }).query('SELECT 1 AS a', [], { authToken: 'b' }));
    await same((neon) => neon(URL, { authToken: '' })`SELECT 1 AS a`);
    await same((neon) => {
      const sql = neon(URL, { authToken: 'neon-level' });
      return sql.transaction([sql`SELECT 1 AS a`]);
    });
  });

  it('an auth token function that throws', async () => {
    await same(
      (neon) =>
        neon(URL, {
          authToken: () => {
            throw new Error('no token today');
          },
        })`SELECT 1`,
    );
    await same((neon) => neon(URL, { authToken: () => Promise.reject('not an Error') })`SELECT 1`);
  });

  it('fetchOptions (without headers) merged across the levels', async () => {
    await same((neon) => neon(URL, { fetchOptions: { priority: 'high', cache: 'no-store' } })`SELECT 1 AS a`);
    await same((neon) =>
      neon(URL, { fetchOptions: { priority: 'high', keepalive: true } }).query('SELECT 1 AS a', [], {
        fetchOptions: { priority: 'low' },
      }),
    );
    await same((neon) => {
      const sql = neon(URL, { fetchOptions: { priority: 'high' } });
      return sql.transaction([sql.query('SELECT 1 AS a', [], { fetchOptions: { ignored: true } })], {
        fetchOptions: { keepalive: true },
      });
    });
  });

  it('connection parameters as options (1.2.0), static and as functions', async () => {
    const noPassword = 'postgresql://bob@ep-x-1.eu-central-1.aws.neon.tech/app';
    await same((neon) => neon(noPassword, { password: 'pw' })`SELECT 1 AS a`);
    await same((neon) => neon(noPassword, { password: async () => 'p@ss/w:rd' })`SELECT 1 AS a`);
    await same(
      (neon) =>
        neon({
          user: 'u s',
          password: () => 'pw',
          host: 'ep-y-2.aws.neon.tech',
          database: 'd b',
          port: 5433,
        })`SELECT 1 AS a`,
    );
    await same(
      (neon) =>
        neon({ username: 'u', hostname: 'h.example.com', database: 'db', port: '6543' })`SELECT 1 AS a`,
    );
    await same((neon) => neon({ connectionString: async () => URL })`SELECT 1 AS a`);
    await same((neon) => neon(noPassword).query('SELECT 1 AS a', [], { database: 'other', password: 'x' }));
    await same((neon) =>
      neon(noPassword, { password: 'pw' }).query('SELECT 1 AS a', [], {
        connectionString: `${URL}&options=-c%20x%3Dy`,
      }),
    );
    await same((neon) => {
      const sql = neon(noPassword, { password: 'a' });
      return sql.transaction([sql`SELECT 1 AS a`], { password: 'b', user: 'carol' });
    });
  });

  it('connection strings that are normalised: scheme, application_name, query params, encoding', async () => {
    for (const cs of [
      'postgres://u:p@ep-a-1.aws.neon.tech/db',
      'POSTGRESQL://U:P@EP-A-1.AWS.NEON.TECH/DB',
      'postgresql://u:p@ep-a-1.aws.neon.tech:5432/db?sslmode=require&options=endpoint%3Dep-a-1',
      'postgresql://u:p@ep-a-1.aws.neon.tech/db?application_name=mine',
      'postgresql://us%40er:p%2Fw@localhost:4444/my%20db',
      'postgresql://u:p@127.0.0.1/db',
      'postgresql://u:p@[::1]:5432/db',
      'postgresql://u:p@host/db?a=1&a=2&b= c+d',
    ]) {
      await same((neon) => neon(cs)`SELECT 1 AS a`);
    }
  });

  it('fetchEndpoint: default host rewrite, a string, a function (with jwtAuth)', async () => {
    const endpoints: unknown[] = [
      undefined,
      'http://localhost:4444/sql',
      (host: string, port: string, opts: unknown) =>
        `http://${host}:${port || 80}/sql?o=${JSON.stringify(opts)}`,
    ];
    for (const endpoint of endpoints) {
      Neon.neonConfig.fetchEndpoint = endpoint as string;
      neonConfig.fetchEndpoint = endpoint as string;
      try {
        await same((neon) => neon(URL)`SELECT 1 AS a`);
        await same((neon) => neon(URL, { authToken: 't' })`SELECT 1 AS a`);
        await same((neon) => neon('postgresql://u:p@localhost:5432/db')`SELECT 1 AS a`);
      } finally {
        Neon.neonConfig.fetchEndpoint = undefined as unknown as string;
        neonConfig.fetchEndpoint = undefined as unknown as string;
      }
    }
  });

  it('a query promise is lazy and re-runs on every then()', async () => {
    await same(async (neon) => {
      const q = neon(URL)`SELECT ${1} AS a`;
      const results = [await q, await q];
      return [results, q instanceof Promise, typeof q.then, Object.keys(q)];
    });
  });
});

describe('differential: errors', () => {
  it('a Postgres error (HTTP 400) becomes NeonDbError with all 16 fields', async () => {
    await same((neon) => neon(URL)`SELECT nope FROM nowhere`);
    await same((neon) => neon(URL)`SELECT 1/0`);
    await same((neon) => neon(URL)`SELECT ${'x'}::int`);
    await same((neon) => neon(URL).query('SELECT $1, $2', [1]));
    await same((neon) => neon(URL).query('SELECT 1; SELECT 2'));
    await same(
      (neon) =>
        neon(
          URL,
        )`DO $$ BEGIN RAISE EXCEPTION USING MESSAGE = 'custom', DETAIL = 'd', HINT = 'h', ERRCODE = 'P0001'; END $$`,
    );
  });

  it('bad connection strings (1.2.0 messages), lazily at query time', async () => {
    for (const args of [
      [undefined],
      [''],
      ['not a url'],
      ['mysql://u:p@h/db'],
      ['postgresql://h/db'],
      ['postgresql://u:p@h'],
      ['postgresql://u:p@h/'],
      ['localhost:5432/db'],
      [{}],
      [{ connectionString: 42 }],
      [URL, { user: 'a', username: 'b' }],
      [URL, { host: 'a', hostname: 'b' }],
      [URL, { port: true }],
      [URL, { password: 42 }],
    ]) {
      const r = await same((neon) => {
        const sql = neon(...args);
        return sql`SELECT 1`;
      });
      expect(r.ok, JSON.stringify(args)).toBe(false);
    }
  });

  it('the non-template call is refused (Neon message)', async () => {
    await same((neon) => neon(URL)('SELECT 1'));
    await same((neon) => neon(URL)(['SELECT 1']));
  });

  it('a server error with another status, and a fetch that rejects', async () => {
    const statuses = [
      () => new Response('upstream exploded', { status: 500 }),
      () => new Response('', { status: 503 }),
      () => new Response(JSON.stringify({ message: 'm', code: '', detail: null }), { status: 400 }),
      () => {
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
        });
      },
    ];
    for (const respond of statuses) {
      const fetchFunction = async () => respond();
      Neon.neonConfig.fetchFunction = fetchFunction;
      neonConfig.fetchFunction = fetchFunction;
      try {
        const r = await same((neon) => neon(URL)`SELECT 1`);
        expect(r.ok).toBe(false);
      } finally {
        Neon.neonConfig.fetchFunction = sqlEndpoint(client, neonLog);
        neonConfig.fetchFunction = sqlEndpoint(client, ourLog);
      }
    }
  });
});
