/**
 * `verifyConnectivity()`, `getServerInfo()` and `executeQuery()` on the `neon()` function, over
 * real HTTP to the local server in front of the test PostgreSQL. Oracles: our `Client` over TCP
 * (its `serverParameters` and `executeQuery`), and the test setup's own server facts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ConfigError, TimeoutError, UsageError } from '../../src/core/errors.js';
import { NeonDbError, type NeonQueryFunction } from '../../src/http/index.js';
import { neon as httpOnlyNeon } from '../../src/http/neon.js';
import { neon } from '../../src/http/neon-session.js';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { clientConfig, credentials, pgInfo } from '../setup/pg.js';
import {
  closedPort,
  type SilentServer,
  startSilentServer,
  unhandledRejections,
} from './helpers/unreachable.js';

let server: LocalServer;
let url: string;
let sql: NeonQueryFunction<false, false>;
let direct: Client;
let hanging: SilentServer;
const unhandled = unhandledRejections();
const fetchEndpoint = (host: string, port: string | number) => `http://${host}:${port}/sql`;

function hangingEndpoint(): string {
  const { port } = hanging;
  return `http://127.0.0.1:${port}/sql`;
}

beforeAll(async () => {
  unhandled.start();
  const info = pgInfo();
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  const { user, password } = credentials('scram');
  url = server.connectionString({ user, password, database: info.database });
  sql = neon(url, { fetchEndpoint });
  direct = new Client({ ...clientConfig('scram'), transport: 'tcp' });
  await direct.connect();
  hanging = await startSilentServer();
});

afterAll(async () => {
  await direct?.end();
  await hanging?.close();
  await server?.close();
  expect(unhandled.stop()).toEqual([]);
});

/** The failure cases every method must report clearly. */
function wrongPassword(): NeonQueryFunction<false, false> {
  const info = pgInfo();
  const { user } = credentials('scram');
  return neon(server.connectionString({ user, password: 'wrong', database: info.database }), {
    fetchEndpoint,
  });
}

const methods = {
  verifyConnectivity: (q: NeonQueryFunction<false, false>, timeoutMs?: number) =>
    q.verifyConnectivity({ timeoutMs }),
  getServerInfo: (q: NeonQueryFunction<false, false>, timeoutMs?: number) => q.getServerInfo({ timeoutMs }),
  executeQuery: (q: NeonQueryFunction<false, false>, timeoutMs?: number) =>
    q.executeQuery('select 1', [], { timeoutMs }),
};

for (const [name, call] of Object.entries(methods)) {
  describe(`sql.${name}() failures`, () => {
    it('a wrong password rejects with the server error (28P01), as a query does', async () => {
      const q = wrongPassword();
      const asQuery = await q`SELECT 1`.catch((e: unknown) => e);
      const error = await call(q, 5_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NeonDbError);
      expect((error as NeonDbError).code).toBe('28P01');
      expect((error as NeonDbError).message).toBe((asQuery as NeonDbError).message);
    });

    it('a refused connection rejects with a NeonDbError naming the cause', async () => {
      const port = await closedPort();
      const q = neon(url, { fetchEndpoint: `http://127.0.0.1:${port}/sql` });
      const error = await call(q, 5_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NeonDbError);
      expect((error as NeonDbError).message).toMatch(/^Error connecting to database: /);
    });

    it('a server that never answers rejects with a TimeoutError naming the budget', async () => {
      const q = neon(url, { fetchEndpoint: hangingEndpoint() });
      const error = await call(q, 250).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).message).toBe(`${name} timed out after 250 ms`);
    });

    it('a bad timeoutMs is a ConfigError', async () => {
      for (const bad of [0, -1, Number.NaN, '10' as unknown as number]) {
        await expect(call(sql, bad)).rejects.toBeInstanceOf(ConfigError);
      }
    });
  });
}

describe('sql.verifyConnectivity()', () => {
  it('resolves against a working server; the caller’s signal still aborts', async () => {
    await expect(sql.verifyConnectivity()).resolves.toBeUndefined();
    const error = await sql.verifyConnectivity({ signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EDGEPG_ABORTED' });
  });
});

describe('sql.getServerInfo()', () => {
  it('reports the server as the Client does, with protocol "http"', async () => {
    const info = await sql.getServerInfo();
    const pg = pgInfo();
    expect(info.protocol).toBe('http');
    expect(info.serverVersion).toBe(pg.version);
    expect(info.serverVersionNum).toBe(pg.versionNum);
    expect(Number.isInteger(info.backendPid) && info.backendPid > 0).toBe(true);
    const [{ alive }] = await direct
      .query('select count(*)::int as alive from pg_stat_activity where pid = $1', [info.backendPid])
      .then((r) => r.rows);
    expect(alive).toBe(1);
    // Every ParameterStatus value the Client got at startup, but the per-session application_name.
    const { application_name: _ours, ...expected } = direct.serverParameters;
    const { application_name: _theirs, ...reported } = info.parameters;
    expect(reported).toEqual(expected);
  });
});

describe('sql.executeQuery()', () => {
  it('rows, fields and summary as the Client’s executeQuery', async () => {
    const text = 'select g as n, g::text as label from generate_series(1, $1::int) as g';
    const ours = await sql.executeQuery(text, [3]);
    const theirs = await direct.executeQuery(text, [3]);
    expect(ours.rows).toStrictEqual(theirs.rows);
    expect(ours.fields.map((f) => ({ ...f }))).toStrictEqual(theirs.fields.map((f) => ({ ...f })));
    expect({ ...ours.summary, timings: undefined }).toStrictEqual({ ...theirs.summary, timings: undefined });
    expect(ours.summary.timings.done).toBeGreaterThanOrEqual(ours.summary.timings.sent);
  });

  it('commands, transform, arrayMode and readOnly/isolationLevel', async () => {
    const created = await sql.executeQuery('create temp table if not exists hx (id int)');
    expect(created.summary).toMatchObject({ command: 'CREATE', rowCount: null, notices: [] });
    const mapped = await sql.executeQuery('select 2 as two', [], {
      transform: (rows) => rows.map((row) => row.two * 10),
    });
    expect(mapped.rows).toEqual([20]);
    const arrays = await sql.executeQuery('select 1 as a, 2 as b', [], { arrayMode: true });
    expect(arrays.rows).toEqual([[1, 2]]);
    const iso = await sql.executeQuery("select current_setting('transaction_isolation') as iso", [], {
      isolationLevel: 'serializable',
      readOnly: true,
    });
    expect(iso.rows).toEqual([{ iso: 'serializable' }]);
    const denied = await sql
      .executeQuery('create table hx_denied (id int)', [], { readOnly: true })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(NeonDbError);
    expect((denied as NeonDbError).code).toBe('25006');
  });

  it('bad arguments are typed errors', async () => {
    await expect(sql.executeQuery(42 as unknown as string)).rejects.toBeInstanceOf(UsageError);
    await expect(sql.executeQuery('select 1', 'x' as unknown as unknown[])).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(
      sql.executeQuery('select 1', [], { isolationLevel: 'Chaos' as never }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});

describe("edgepg/http's neon()", () => {
  it('has the session methods only as rejections naming the full entry', async () => {
    const httpOnly = httpOnlyNeon(url, { fetchEndpoint });
    for (const call of [
      () => httpOnly.verifyConnectivity(),
      () => httpOnly.getServerInfo(),
      () => httpOnly.executeQuery('select 1'),
      () => httpOnly.begin(async () => []),
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(
        /^sql\.\w+\(\) is not in 'edgepg\/http': import \{ neon \} from 'edgepg'$/,
      );
    }
    // The HTTP query function itself works.
    expect(await httpOnly`select 1 as one`).toEqual([{ one: 1 }]);
  });
});
