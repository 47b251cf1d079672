/**
 * One small facade per driver, used inside workers, so each scenario states *what* it measures
 * and this file states *how* each driver is driven. Every driver runs with its defaults unless a
 * scenario names an option (and then the option is part of the label in the results).
 *
 * Driver kinds:
 * - `edgepg`       edgepg `Client` over TCP
 * - `edgepg-ws`    edgepg `Client` over WebSocket (`ws` package, `ws:`)
 * - `pg`           node-postgres `Client` (`options.pipeline` for pg's opt-in pipelining)
 * - `postgres`     postgres.js, `max: 1` (one connection)
 * - `neon-ws`      `@neondatabase/serverless` `Client` over WebSocket (`ws` package, `ws:`)
 *
 * A target is `{ host, port }` for TCP, or `{ host, port, wsPort }` for WebSocket, where
 * host/port name the database (as the connection string would) and wsPort the WebSocket
 * endpoint the client dials (through the delay proxy).
 */

let modules;
/**
 * Imports every driver once, from the paths the parent resolved (which already skipped the
 * scenarios whose driver is missing, so any failure here is real and is reported as such).
 */
export async function loadModules(paths) {
  if (modules) return modules;
  const [edgepg, pg, postgres, neon, ws] = await Promise.all([
    import(paths.edgepg),
    import('pg').then((m) => m.default),
    import('postgres').then((m) => m.default),
    import('@neondatabase/serverless'),
    import('ws').then((m) => m.default),
  ]);
  modules = { edgepg, pg, postgres, neon, ws };
  return modules;
}

function wsProxyFor(target) {
  return () => `127.0.0.1:${target.wsPort}/v2`;
}

/**
 * Opens a session. Resolves once connected *and* the first query (`select 1`) returned, so the
 * caller can time connect + first query around it.
 */
export async function openSession(kind, target, role, options = {}) {
  const m = modules;
  const base = {
    host: target.host,
    port: target.port,
    user: role.user,
    password: role.password,
    database: role.database,
  };
  switch (kind) {
    case 'edgepg':
    case 'edgepg-ws': {
      const config = { ...base, ...options };
      if (kind === 'edgepg-ws') {
        Object.assign(config, {
          transport: 'websocket',
          webSocketConstructor: m.ws,
          wsProxy: wsProxyFor(target),
          useSecureWebSocket: false,
        });
      } else {
        config.transport = 'tcp';
      }
      const client = new m.edgepg.Client(config);
      // Issued before connect() so a pipelined connect can carry it, as pg users write it.
      const first = client.query('select 1 as one');
      await client.connect();
      await first;
      return pgLikeSession(client);
    }
    case 'pg': {
      const client = new m.pg.Client({ ...base, ...options });
      await client.connect();
      await client.query('select 1 as one');
      return pgLikeSession(client);
    }
    case 'neon-ws': {
      const { Client, neonConfig } = m.neon;
      neonConfig.webSocketConstructor = m.ws;
      neonConfig.useSecureWebSocket = false;
      neonConfig.wsProxy = wsProxyFor(target);
      // Neon's default is 'password'; it cannot work against a SCRAM server (its CONFIG.md).
      neonConfig.pipelineConnect = options.pipelineConnect ?? 'password';
      const client = new Client(base);
      await client.connect();
      await client.query('select 1 as one');
      return pgLikeSession(client);
    }
    case 'postgres': {
      const sql = m.postgres({
        host: base.host,
        port: base.port,
        user: base.user,
        pass: base.password,
        database: base.database,
        max: 1,
        onnotice: () => {},
        ...options,
      });
      await sql`select 1 as one`;
      return postgresSession(sql);
    }
    default:
      throw new Error(`unknown driver kind ${kind}`);
  }
}

function pgLikeSession(client) {
  return {
    selectInt: (i) => client.query('select $1::int as i', [i]),
    selectAll: (table, arrays) =>
      client.query(arrays ? { text: `select * from ${table}`, rowMode: 'array' } : `select * from ${table}`),
    rowsOf: (result) => result.rows,
    end: () => client.end(),
  };
}

function postgresSession(sql) {
  return {
    selectInt: (i) => sql`select ${i}::int as i`,
    selectAll: (table, arrays) =>
      arrays ? sql`select * from ${sql(table)}`.values() : sql`select * from ${sql(table)}`,
    rowsOf: (result) => result,
    end: () => sql.end({ timeout: 0 }),
  };
}

/** Wall ms and client CPU ms (user + system, all threads) of `fn`. */
export async function timed(fn) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
}
