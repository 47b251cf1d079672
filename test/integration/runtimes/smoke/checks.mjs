/**
 * The runtime-neutral smoke suite: what every runtime must do with the built edgepg package.
 * Loaded as plain ESM by Node, Bun and Deno, and bundled by esbuild for workerd and Chromium,
 * so it uses only what all of them have (no Node built-ins, no `process`, no `Buffer`).
 *
 * `lib` is the imported `dist/index.js`; `target` names the local edgepg server and the
 * transports to try. Every check runs even when an earlier one failed, so one run reports the
 * whole picture; each result is `{ transport, name, ok, detail }`.
 */

const MISSING_TABLE = 'edgepg_runtime_smoke_missing_table';

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(a === e, `${what}: expected ${e}, got ${a}`);
}

/** Awaits a promise that must reject, and returns the rejection. */
async function rejection(promise, what) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`${what} resolved; it should have failed`);
}

function connectionString(target) {
  const auth = `${encodeURIComponent(target.user)}:${encodeURIComponent(target.password)}`;
  return `postgresql://${auth}@${target.host}:${target.port}/${encodeURIComponent(target.database)}`;
}

/** Neon's local-development settings (README "Local development"), on the global `neonConfig`. */
function pointAtLocalServer(lib) {
  lib.neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
  lib.neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
  lib.neonConfig.useSecureWebSocket = false;
}

function httpChecks(lib, url) {
  const sql = lib.neon(url);
  return {
    'neon() query with a parameter': async () => {
      const rows = await sql`select ${41}::int + 1 as answer, ${'edge'} || 'pg' as name`;
      same(rows, [{ answer: 42, name: 'edgepg' }], 'rows');
      const full = await sql.query('select $1::int[] as list', [[1, 2]], { fullResults: true });
      same(full.rows, [{ list: [1, 2] }], 'fullResults rows');
      same(full.rowCount, 1, 'rowCount');
    },
    'neon() transaction': async () => {
      const results = await sql.transaction([sql`select 1 as a`, sql`select ${'b'} as b`], {
        isolationLevel: 'Serializable',
      });
      same(results, [[{ a: 1 }], [{ b: 'b' }]], 'results');
    },
    'NeonDbError fields': async () => {
      const error = await rejection(sql.query(`select * from ${MISSING_TABLE}`), 'a bad query');
      assert(error instanceof lib.NeonDbError, `not a NeonDbError: ${error}`);
      same(error.name, 'NeonDbError', 'name');
      same(error.code, '42P01', 'code');
      same(error.severity, 'ERROR', 'severity');
      assert(typeof error.position === 'string', 'position missing');
      assert(error.message.includes(MISSING_TABLE), `message: ${error.message}`);
    },
  };
}

/** Runtimes without sockets (browsers, workerd): asking for TCP must say "use a WebSocket". */
function tcpUnavailableCheck(lib, url) {
  return async () => {
    const client = new lib.Client({ connectionString: url, transport: 'tcp' });
    const error = await rejection(client.connect(), 'a TCP connect');
    assert(error instanceof lib.ConfigError, `not a ConfigError: ${error}`);
    assert(/WebSocket/.test(error.message), `message: ${error.message}`);
  };
}

/** Connects a Client, runs `use(client)` and always ends the client. */
async function withClient(lib, config, use) {
  const client = new lib.Client(config);
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

function wireChecks(lib, url, transport) {
  const config = { connectionString: url, transport };
  return {
    'Client pipelined queries with parameters': () =>
      withClient(lib, config, async (client) => {
        const [a, b, c] = await Promise.all([
          client.query('select $1::int + 1 as answer', [41]),
          client.query('select $1::text as name', ['edgepg']),
          client.query({ text: 'select $1::int as n, $2::bool as b', values: [7, true], rowMode: 'array' }),
        ]);
        same(a.rows, [{ answer: 42 }], 'first');
        same(b.rows, [{ name: 'edgepg' }], 'second');
        same(c.rows, [[7, true]], 'third (rowMode array)');
      }),
    'client.transaction': () =>
      withClient(lib, config, async (client) => {
        const total = await client.transaction(async (tx) => {
          await tx.query('create temp table smoke_items (n int) on commit drop');
          await tx.query('insert into smoke_items select generate_series(1, $1::int)', [4]);
          const { rows } = await tx.query('select sum(n)::int as total from smoke_items');
          return rows[0].total;
        });
        same(total, 10, 'sum');
        const rolledBack = await rejection(
          client.transaction(async (tx) => {
            await tx.query('create temp table smoke_gone (n int)');
            throw new Error('roll back');
          }),
          'a failing transaction',
        );
        same(rolledBack.message, 'roll back', 'rethrown error');
        const { rows } = await client.query("select to_regclass('pg_temp.smoke_gone') is null as gone");
        same(rows, [{ gone: true }], 'rolled back table');
      }),
    'Pool query and pool.transaction': async () => {
      const pool = new lib.Pool({ ...config, max: 2 });
      try {
        const results = await Promise.all([1, 2, 3].map((n) => pool.query('select $1::int * 2 as n', [n])));
        same(
          results.map((r) => r.rows[0].n),
          [2, 4, 6],
          'pool.query results',
        );
        const isolation = await pool.transaction(
          async (tx) =>
            (await tx.query("select current_setting('transaction_isolation') as level")).rows[0].level,
          { isolationLevel: 'serializable' },
        );
        same(isolation, 'serializable', 'isolation inside pool.transaction');
      } finally {
        await pool.end();
      }
    },
    'DatabaseError fields': () =>
      withClient(lib, config, async (client) => {
        const error = await rejection(client.query(`select * from ${MISSING_TABLE}`), 'a bad query');
        assert(error instanceof lib.DatabaseError, `not a DatabaseError: ${error}`);
        same(error.code, '42P01', 'code');
        same(error.severity, 'ERROR', 'severity');
        assert(typeof error.position === 'string', 'position missing');
        // The connection survives a query error.
        const { rows } = await client.query('select 1 as still');
        same(rows, [{ still: 1 }], 'query after the error');
      }),
  };
}

/**
 * Runs every check for `target.transports` ('http', 'ws', 'tcp') and reports each outcome.
 * `target`: `{ host, port, user, password, database, transports, tcpUnavailable }`.
 */
export async function runSmoke(lib, target) {
  pointAtLocalServer(lib);
  const url = connectionString(target);
  const suites = {
    http: () => httpChecks(lib, url),
    ws: () => ({
      ...wireChecks(lib, url, 'websocket'),
      ...(target.tcpUnavailable ? { 'TCP refused with a ConfigError': tcpUnavailableCheck(lib, url) } : {}),
    }),
    tcp: () => wireChecks(lib, url, 'tcp'),
  };
  const results = [];
  for (const transport of target.transports) {
    const make = suites[transport];
    if (!make) throw new Error(`unknown transport ${transport}`);
    for (const [name, check] of Object.entries(make())) {
      try {
        await check();
        results.push({ transport, name, ok: true });
      } catch (error) {
        const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        results.push({ transport, name, ok: false, detail });
      }
    }
  }
  return results;
}

/** What a runtime's globals looked like, for the "no Buffer/process assumption" claims. */
export function globalsSnapshot() {
  return {
    Buffer: typeof globalThis.Buffer !== 'undefined',
    process: typeof globalThis.process !== 'undefined',
    WebSocket: typeof globalThis.WebSocket !== 'undefined',
  };
}
