/**
 * `verifyConnectivity`, `getServerInfo` and `executeQuery` on Client and Pool against a real
 * PostgreSQL, plus an unreachable port and a silent TCP server for the failure paths.
 */
import net from 'node:net';
import { DatabaseError } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ConnectionError, TimeoutError } from '../../src/core/errors.js';
import { Pool } from '../../src/pool/pool.js';
import { clientConfig, hasRole } from '../setup/pg.js';

describe('verifyConnectivity', () => {
  it('connects a new Client and runs select 1; works again once connected', async () => {
    const client = new Client(clientConfig());
    try {
      await expect(client.verifyConnectivity()).resolves.toBeUndefined();
      expect(client._connected).toBe(true);
      await expect(client.verifyConnectivity({ timeoutMs: 5_000 })).resolves.toBeUndefined();
    } finally {
      await client.end();
    }
  });

  it('checks a pool connection out and gives it back', async () => {
    const pool = new Pool({ ...clientConfig(), max: 2 });
    try {
      await expect(pool.verifyConnectivity()).resolves.toBeUndefined();
      expect(pool.totalCount).toBe(1);
      expect(pool.idleCount).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('rejects with the server error 28P01 on a wrong password (Client and Pool)', async () => {
    const config = { ...clientConfig(hasRole('scram') ? 'scram' : 'superuser'), password: 'wrong-password' };
    const client = new Client(config);
    const error = await client.verifyConnectivity().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('28P01');

    const pool = new Pool(config);
    try {
      await expect(pool.verifyConnectivity()).rejects.toMatchObject({ code: '28P01' });
    } finally {
      await pool.end();
    }
  });

  it('rejects with ConnectionError when nothing listens', async () => {
    const client = new Client({ ...clientConfig(), host: '127.0.0.1', port: 1 });
    await expect(client.verifyConnectivity({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(ConnectionError);
    const pool = new Pool({ ...clientConfig(), host: '127.0.0.1', port: 1 });
    try {
      await expect(pool.verifyConnectivity({ timeoutMs: 5_000 })).rejects.toBeInstanceOf(ConnectionError);
    } finally {
      await pool.end();
    }
  });

  describe('a server that accepts TCP but never answers', () => {
    let server: net.Server;
    let port: number;
    const sockets = new Set<net.Socket>();

    beforeAll(async () => {
      server = net.createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => {});
        // Read (and ignore) the startup message, so the client's FIN is seen as 'end' then 'close'.
        socket.resume();
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('rejects with TimeoutError and closes the connection attempt', async () => {
      const client = new Client({ ...clientConfig(), host: '127.0.0.1', port });
      const outcome = await Promise.race([
        client.verifyConnectivity({ timeoutMs: 200 }).then(
          () => 'resolved',
          (e: unknown) => e,
        ),
        new Promise((resolve) => setTimeout(resolve, 2_000, 'still pending')),
      ]);
      expect(outcome).toBeInstanceOf(TimeoutError);
      // The client closed its side: the server sees the socket go away.
      await expect.poll(() => sockets.size, { timeout: 2_000 }).toBe(0);
    });

    it('rejects an invalid timeoutMs', async () => {
      const client = new Client({ ...clientConfig(), host: '127.0.0.1', port });
      await expect(client.verifyConnectivity({ timeoutMs: 0 })).rejects.toThrow(/timeoutMs/);
      expect(client._connecting).toBe(false);
    });
  });
});

describe('getServerInfo', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client(clientConfig());
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
  });

  it('reports version, pid and the startup parameters', async () => {
    const info = await client.getServerInfo();
    const shown = await client.query('show server_version');
    expect(info.serverVersion).toBe(shown.rows[0].server_version);
    expect(typeof info.serverVersionNum).toBe('number');
    expect(info.serverVersionNum).toBeGreaterThanOrEqual(150_000);
    expect(info.protocol).toBe('3.0');
    expect(info.backendPid).toBe(client.processID);
    expect(info.parameters.client_encoding).toBe('UTF8');
    expect(info.parameters.server_version).toBe(info.serverVersion);
  });

  it('serverParameters is a copy', () => {
    const parameters = client.serverParameters;
    parameters.client_encoding = 'changed';
    expect(client.serverParameters.client_encoding).toBe('UTF8');
  });

  it('connects a never-connected Client first, and works through a Pool', async () => {
    const fresh = new Client(clientConfig());
    try {
      const info = await fresh.getServerInfo();
      expect(info.backendPid).toBe(fresh.processID);
    } finally {
      await fresh.end();
    }
    const pool = new Pool(clientConfig());
    try {
      const info = await pool.getServerInfo();
      expect(info.serverVersionNum).toBeGreaterThanOrEqual(150_000);
      expect(info.backendPid).toBeGreaterThan(0);
      expect(info.parameters.client_encoding).toBe('UTF8');
      expect(pool.idleCount).toBe(1);
    } finally {
      await pool.end();
    }
  });
});

describe('executeQuery', () => {
  let client: Client;
  let pool: Pool;

  beforeAll(async () => {
    client = new Client(clientConfig());
    await client.connect();
    pool = new Pool({ ...clientConfig(), max: 2 });
  });

  afterAll(async () => {
    await client.end();
    await pool.end();
  });

  it('returns rows, fields and a summary', async () => {
    const { rows, fields, summary } = await client.executeQuery(
      'select n, n * 2 as twice from generate_series(1, $1::int) n',
      [3],
    );
    expect(rows).toEqual([
      { n: 1, twice: 2 },
      { n: 2, twice: 4 },
      { n: 3, twice: 6 },
    ]);
    expect(fields.map((f) => f.name)).toEqual(['n', 'twice']);
    expect(summary.command).toBe('SELECT');
    expect(summary.rowCount).toBe(3);
    expect(summary.notices).toEqual([]);
    expect(summary.timings.sent).toBeGreaterThanOrEqual(0);
    expect(summary.timings.done).toBeGreaterThanOrEqual(summary.timings.sent);
  });

  it('captures the notices raised during the query, and only those', async () => {
    await client.query(`
      create function pg_temp.noisy(msg text) returns int language plpgsql as $$
      begin raise notice '%', msg; return 1; end $$`);
    const first = await client.executeQuery('select pg_temp.noisy($1) as one', ['hello']);
    expect(first.rows).toEqual([{ one: 1 }]);
    expect(first.summary.notices.map((n) => n.message)).toEqual(['hello']);
    expect(first.summary.notices[0]?.severity).toBe('NOTICE');
    const second = await client.executeQuery('select 1 as one');
    expect(second.summary.notices).toEqual([]);
  });

  it('captures notices on a Pool as well', async () => {
    const { rows, summary } = await pool.executeQuery(
      `do $$ begin raise notice 'from the pool'; end $$; select 2 as two`,
    );
    expect(rows).toEqual([{ two: 2 }]);
    expect(summary.command).toBe('SELECT');
    expect(summary.notices.map((n) => n.message)).toEqual(['from the pool']);
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  it('applies transform to the rows', async () => {
    const { rows } = await pool.executeQuery('select generate_series(1, 3) as n', [], {
      transform: (r: { n: number }[]) => r.map((row) => row.n * 10),
    });
    expect(rows).toEqual([10, 20, 30]);
  });

  it('runs in a read-only transaction: a write fails with 25006', async () => {
    for (const target of [client, pool]) {
      await expect(
        target.executeQuery('create table edgepg_execute_query_ro (i int)', [], { readOnly: true }),
      ).rejects.toMatchObject({ code: '25006' });
    }
    const ro = await client.executeQuery('show transaction_read_only', [], { readOnly: true });
    expect(ro.rows).toEqual([{ transaction_read_only: 'on' }]);
    expect(client.getTransactionStatus()).toBe('I');
  });

  it('runs with an isolation level', async () => {
    const { rows } = await pool.executeQuery('show transaction_isolation', undefined, {
      isolationLevel: 'serializable',
    });
    expect(rows).toEqual([{ transaction_isolation: 'serializable' }]);
  });

  it('passes server errors through (Pool keeps the connection)', async () => {
    await expect(pool.executeQuery('select 1/0')).rejects.toMatchObject({ code: '22012' });
    const { rows } = await pool.executeQuery('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
  });
});
