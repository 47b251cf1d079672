/**
 * `sql.begin(fn, options)` on the `neon()` function: interactive transactions over one WebSocket
 * session to the local Neon-compatible server (src/server) in front of the test PostgreSQL.
 * The oracle for results and errors is the same instance's HTTP path (`sql`), which the other
 * suites compare with npm `pg` and `@neondatabase/serverless`.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ConfigError, TimeoutError, UsageError } from '../../src/core/errors.js';
import {
  type FullQueryResults,
  neon as httpOnlyNeon,
  NeonDbError,
  type NeonQueryFunction,
  type NeonTransactionQueryFunction,
  neonConfig,
  type QueryRows,
  types,
} from '../../src/http/index.js';
import { neon } from '../../src/index.js';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { sampleQueries } from '../fixtures/sample-values.js';
import { credentials, pgInfo } from '../setup/pg.js';
import { comparableError, comparableResult } from './helpers/compare.js';
import {
  closedPort,
  type SilentServer,
  startSilentServer,
  unhandledRejections,
} from './helpers/unreachable.js';

let server: LocalServer;
let url: string;
let sql: NeonQueryFunction<false, false>;
let hanging: SilentServer;
const unhandled = unhandledRejections();
const fetchEndpoint = (host: string, port: string | number) => `http://${host}:${port}/sql`;

beforeAll(async () => {
  unhandled.start();
  const info = pgInfo();
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  const { user, password } = credentials('scram');
  url = server.connectionString({ user, password, database: info.database });
  // The local-development settings of README.md: the WebSocket goes to the server's own port.
  neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
  neonConfig.useSecureWebSocket = false;
  sql = neon(url, { fetchEndpoint });
  await sql`DROP TABLE IF EXISTS begin_counter, begin_rows`;
  await sql`CREATE TABLE begin_counter (id int PRIMARY KEY, n int NOT NULL)`;
  await sql`CREATE TABLE begin_rows (id int PRIMARY KEY, label text)`;
  hanging = await startSilentServer();
});

afterAll(async () => {
  if (sql) await sql`DROP TABLE IF EXISTS begin_counter, begin_rows`;
  await hanging?.close();
  neonConfig.wsProxy = undefined;
  neonConfig.useSecureWebSocket = undefined as unknown as boolean;
  await server?.close();
  expect(unhandled.stop()).toEqual([]);
});

describe('sql.begin: read-modify-write', () => {
  it('20 concurrent SERIALIZABLE increments lose no update (40001 retried)', async () => {
    await sql`INSERT INTO begin_counter VALUES (1, 0) ON CONFLICT (id) DO UPDATE SET n = 0`;
    const callers = 20;
    // Every first attempt reads before any writes, so the conflicts (and retries) are certain.
    let readers = 0;
    let allRead!: () => void;
    const barrier = new Promise<void>((resolve) => {
      allRead = resolve;
    });
    let attempts = 0;
    const results = await Promise.all(
      Array.from({ length: callers }, (_, caller) =>
        sql.begin(
          async (tx) => {
            attempts++;
            const [row] = await tx`SELECT n FROM begin_counter WHERE id = 1`;
            if (tx.attempt === 1 && ++readers === callers) allRead();
            if (tx.attempt === 1) await barrier;
            await tx`UPDATE begin_counter SET n = ${row.n + 1} WHERE id = 1`;
            return caller;
          },
          {
            isolationLevel: 'Serializable',
            initialRetryDelayMs: 5,
            retryDelayMultiplier: 1.5,
            retryDelayJitter: 0.9,
            maxRetryTimeMs: 60_000,
          },
        ),
      ),
    );
    expect(results).toEqual(Array.from({ length: callers }, (_, i) => i));
    const [{ n }] = await sql`SELECT n FROM begin_counter WHERE id = 1`;
    expect(n).toBe(callers);
    const retries = attempts - callers;
    // With the barrier all but one first attempt must fail: at least 19 re-runs.
    expect(retries).toBeGreaterThanOrEqual(callers - 1);
    console.log(`begin: ${callers} callers, ${retries} retries (40001)`);
  });

  it('reads its own writes and commits them; the result of fn is returned', async () => {
    const label = await sql.begin(async (tx) => {
      await tx`INSERT INTO begin_rows VALUES (1, 'one')`;
      const [row] = await tx.query('SELECT label FROM begin_rows WHERE id = $1', [1]);
      return row.label as string;
    });
    expect(label).toBe('one');
    expect(await sql`SELECT label FROM begin_rows WHERE id = 1`).toEqual([{ label: 'one' }]);
  });

  it('rolls back when fn throws, and rejects with what fn threw', async () => {
    const thrown = new Error('changed my mind');
    const outcome = await sql
      .begin(async (tx) => {
        await tx`INSERT INTO begin_rows VALUES (2, 'two')`;
        expect(await tx`SELECT count(*)::int AS c FROM begin_rows WHERE id = 2`).toEqual([{ c: 1 }]);
        throw thrown;
      })
      .catch((e: unknown) => e);
    expect(outcome).toBe(thrown);
    expect(await sql`SELECT * FROM begin_rows WHERE id = 2`).toEqual([]);
  });

  it('takes a connection string as Neon’s console gives it (sslmode, channel_binding)', async () => {
    const consoleUrl = neon(`${url}?sslmode=require&channel_binding=require`, { fetchEndpoint });
    const overHttp = await consoleUrl`SELECT 1 AS one`;
    expect(await consoleUrl.begin((tx) => tx`SELECT 1 AS one`)).toEqual(overHttp);
  });

  it('resolves connection parameters as a query does (a password function, begin-level overrides)', async () => {
    const info = pgInfo();
    const { user, password } = credentials('scram');
    let calls = 0;
    const noPassword = server.connectionString({ user, database: info.database });
    const lazy = neon(noPassword, {
      fetchEndpoint,
      password: async () => {
        calls++;
        return password as string;
      },
    });
    expect(await lazy.begin((tx) => tx`SELECT current_user AS who`)).toEqual([{ who: user }]);
    expect(calls).toBe(1);
    const overridden = await neon(noPassword, { fetchEndpoint })
      .begin((tx) => tx`SELECT 1 AS one`, { password })
      .catch((e: unknown) => e);
    expect(overridden).toEqual([{ one: 1 }]);
  });

  it('pipelined queries inside one transaction', async () => {
    const rows = await sql.begin((tx) =>
      Promise.all([tx`SELECT 1 AS a`, tx`SELECT 2 AS b`, tx.query('SELECT $1::int AS c', [3])]),
    );
    expect(rows).toEqual([[{ a: 1 }], [{ b: 2 }], [{ c: 3 }]]);
  });

  it('readOnly, isolationLevel and deferrable reach the BEGIN', async () => {
    const [settings] = await sql.begin(
      (tx) =>
        tx`SELECT current_setting('transaction_isolation') AS iso,
          current_setting('transaction_read_only') AS ro, current_setting('transaction_deferrable') AS d`,
      { isolationLevel: 'RepeatableRead', readOnly: true, deferrable: true },
    );
    expect(settings).toEqual({ iso: 'repeatable read', ro: 'on', d: 'on' });
    const error = await sql
      .begin((tx) => tx`INSERT INTO begin_rows VALUES (3, 'three')`, { readOnly: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).code).toBe('25006');
  });
});

describe('the session', () => {
  it('is ONE WebSocket session per call, closed when begin settles', async () => {
    const tagged = `${url}?application_name=begin_session_check`;
    const sessions = () =>
      sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'begin_session_check'`;
    const during = await sql.begin(
      async (tx) => {
        const [a] = await tx`SELECT pg_backend_pid() AS pid`;
        const [b] = await tx`SELECT pg_backend_pid() AS pid`;
        return { same: a.pid === b.pid, open: (await sessions())[0].n };
      },
      { connectionString: tagged },
    );
    expect(during).toEqual({ same: true, open: 1 });
    // The backend exits once the session is closed; poll for it (no timing is asserted).
    let open = 1;
    for (let i = 0; i < 200 && open > 0; i++) {
      open = (await sessions())[0].n;
      if (open > 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(open).toBe(0);
  });
});

describe('tx results equal sql results', () => {
  for (const sample of sampleQueries) {
    it(sample.name, async () => {
      const modes = [
        {},
        { arrayMode: true },
        { fullResults: true },
        { arrayMode: true, fullResults: true },
        { fullResults: true, types: { getTypeParser: () => (value: string) => `<${value}>` } },
      ];
      for (const opts of modes) {
        const overHttp = await sql.query(sample.text, sample.values, opts);
        const inTx = await sql.begin((tx) => tx.query(sample.text, sample.values, opts));
        expect(comparableResult(inTx), JSON.stringify(Object.keys(opts))).toStrictEqual(
          comparableResult(overHttp),
        );
        // Same key order too (results are often serialised).
        if ('fields' in overHttp) expect(JSON.stringify(inTx)).toBe(JSON.stringify(overHttp));
      }
    });
  }

  it('composed templates, unsafe, parameters of every kind, and instance/begin-level modes', async () => {
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    const query = (q: NeonQueryFunction<false, false> | NeonTransactionQueryFunction<false, false>) =>
      q`SELECT ${when}::timestamptz AS t, ${{ a: [1] }}::jsonb AS j, ${[1, null, 3]}::int[] AS a,
        ${Buffer.from([0, 255])}::bytea AS b, ${9007199254740993n}::int8 AS big, ${null}::text AS n,
        ${sql`${'nested'} || ${'!'}`} AS nested, ${q.unsafe('1 + 1')} AS raw`;
    const overHttp = await query(sql);
    expect(await sql.begin((tx) => query(tx))).toStrictEqual(overHttp);

    const full = neon(url, { fetchEndpoint, arrayMode: true, fullResults: true });
    const text = 'SELECT 1 AS one, $1::text AS two';
    const fromInstance = await full.begin((tx) => tx.query(text, ['2']));
    expect(comparableResult(fromInstance)).toStrictEqual(comparableResult(await full.query(text, ['2'])));
    // begin-level modes sit between the instance's and the query's.
    const fromBegin = await sql.begin((tx) => tx.query(text, ['2']), { arrayMode: true });
    expect(fromBegin).toEqual([[1, '2']]);
    const queryWins = await sql.begin((tx) => tx.query(text, ['2'], { arrayMode: false }), {
      arrayMode: true,
    });
    expect(queryWins).toEqual([{ one: 1, two: '2' }]);
  });

  it('the global types registry applies as over HTTP', async () => {
    const INT4 = 23;
    const before = types.getTypeParser(INT4, 'text');
    types.setTypeParser(INT4, (value: string) => `int4:${value}`);
    try {
      const inTx = await sql.begin((tx) => tx`SELECT 7 AS n`);
      expect(inTx).toEqual([{ n: 'int4:7' }]);
      expect(inTx).toEqual(await sql`SELECT 7 AS n`);
    } finally {
      types.setTypeParser(INT4, before);
    }
  });
});

describe('errors', () => {
  const failing = [
    'SELECT 1/0 AS boom',
    'SELEC 1',
    'SELECT * FROM no_such_table_here',
    "INSERT INTO begin_rows VALUES (1, 'duplicate')",
    'SELECT 1; SELECT 2',
    "SELECT 'x'::int",
  ];
  for (const text of failing) {
    it(`the same NeonDbError as over HTTP: ${text}`, async () => {
      await sql`INSERT INTO begin_rows VALUES (1, 'one') ON CONFLICT DO NOTHING`;
      const overHttp = await sql.query(text).catch((e: unknown) => e);
      let inside: unknown;
      const outcome = await sql
        .begin(async (tx) => {
          inside = await tx.query(text).catch((e: unknown) => e);
        })
        .catch((e: unknown) => e);
      expect(overHttp).toBeInstanceOf(NeonDbError);
      expect(inside).toBeInstanceOf(NeonDbError);
      expect(comparableError(inside)).toStrictEqual(comparableError(overHttp));
      // fn swallowed the error, so Postgres turned COMMIT into ROLLBACK: begin reports that error.
      expect(outcome).toBe(inside);
    });
  }

  it('using tx after the transaction ended is a UsageError', async () => {
    let saved: NeonTransactionQueryFunction<false, false> | undefined;
    await sql.begin((tx) => {
      saved = tx;
    });
    const late = saved!`SELECT 1`;
    await expect(late).rejects.toBeInstanceOf(UsageError);
    await expect(saved!.query('SELECT 1')).rejects.toThrow(/transaction has finished/);
    expect(() => saved!('SELECT 1' as unknown as TemplateStringsArray)).toThrow(UsageError);
  });

  it("edgepg/http's neon() has no WebSocket session: begin rejects, naming the entry that has it", async () => {
    const httpOnly = httpOnlyNeon(url);
    const attempt = httpOnly.begin(async () => 1);
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow("import { neon } from 'edgepg'");
  });

  it('bad arguments reject with typed errors', async () => {
    await expect(sql.begin(42 as never)).rejects.toBeInstanceOf(UsageError);
    await expect(sql.begin(() => 1, 'x' as never)).rejects.toBeInstanceOf(UsageError);
    await expect(sql.begin(() => 1, { connectionTimeoutMillis: -1 })).rejects.toBeInstanceOf(ConfigError);
    await expect(sql.begin(() => 1, { isolationLevel: 'Chaos' as never })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(sql.begin(() => 1, { maxRetryTimeMs: Number.NaN })).rejects.toBeInstanceOf(ConfigError);
    const withToken = neon(url, { fetchEndpoint, authToken: 'jwt' });
    await expect(withToken.begin(() => 1)).rejects.toThrow(/authToken/);
    await expect(neon('not a url').begin(() => 1)).rejects.toBeInstanceOf(NeonDbError);
    const aborted = AbortSignal.abort();
    await expect(sql.begin(() => 1, { signal: aborted })).rejects.toMatchObject({ code: 'EDGEPG_ABORTED' });
  });

  it('a wrong password rejects with the server error, as over HTTP', async () => {
    const info = pgInfo();
    const { user } = credentials('scram');
    const wrong = neon(server.connectionString({ user, password: 'wrong', database: info.database }), {
      fetchEndpoint,
    });
    const overHttp = await wrong`SELECT 1`.catch((e: unknown) => e);
    let ran = false;
    const error = await wrong
      .begin(() => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).message).toMatch(/password authentication failed/);
    expect((error as NeonDbError).code).toBe((overHttp as NeonDbError).code);
  });

  it('a refused connection is a NeonDbError naming the cause', async () => {
    const port = await closedPort();
    const error = await sql
      .begin(() => 1, { neonConfig: { wsProxy: `127.0.0.1:${port}/v2` } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).message).toMatch(/^Error connecting to database: /);
    expect((error as NeonDbError).sourceError).toBeInstanceOf(Error);
  });

  it('a server that never answers rejects with a TimeoutError after connectionTimeoutMillis', async () => {
    const { port } = hanging;
    const error = await sql
      .begin(() => 1, { connectionTimeoutMillis: 300, neonConfig: { wsProxy: () => `127.0.0.1:${port}/v2` } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toMatch(/300 ms/);
  });
});

describe('types (checked by tsc; the function below is never called)', () => {
  it('begin returns what fn returns; tx has the modes of the instance, begin and query', () => {
    const typed = async () => {
      expectTypeOf(await sql.begin(async () => 1)).toEqualTypeOf<number>();
      await sql.begin(async (tx) => {
        expectTypeOf(await tx`SELECT 1`).toEqualTypeOf<QueryRows<false>>();
        expectTypeOf(await tx<{ id: number }>`SELECT 1 AS id`).toEqualTypeOf<{ id: number }[]>();
        expectTypeOf(await tx.query('SELECT 1', [], { fullResults: true })).toEqualTypeOf<
          FullQueryResults<false>
        >();
        expectTypeOf(tx.attempt).toEqualTypeOf<number>();
      });
      await sql.begin(
        async (tx) => {
          expectTypeOf(await tx`SELECT 1`).toEqualTypeOf<QueryRows<true>>();
        },
        { arrayMode: true },
      );
      const full = neon(url, { fullResults: true });
      await full.begin(async (tx) => {
        expectTypeOf(await tx`SELECT 1`).toEqualTypeOf<FullQueryResults<false>>();
      });
      expectTypeOf((await sql.getServerInfo()).protocol).toEqualTypeOf<'http'>();
      expectTypeOf((await sql.executeQuery<{ a: number }>('SELECT 1 AS a')).rows).toEqualTypeOf<
        { a: number }[]
      >();
    };
    expectTypeOf(typed).returns.resolves.toBeVoid();
  });
});
