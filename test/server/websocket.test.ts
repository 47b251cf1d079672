/**
 * The WebSocket endpoint (and the same session over plain TCP): startup ended by the server with
 * a cleartext password request, upstream authentication with every method, real startup errors,
 * SSLRequest/CancelRequest handling, `address=` refusal and prompt close propagation.
 */
import { connect as netConnect } from 'node:net';
import { Client as NeonClient, Pool as NeonPool } from '@neondatabase/serverless';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { sampleQueries } from '../fixtures/sample-values.js';
import { clientConfig, credentials, pgInfo } from '../setup/pg.js';
import { pointNeonAt, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let restore: () => void;
const admin = () => new pg.Client(clientConfig('superuser'));

beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.server.close();
});
beforeEach(() => {
  restore = pointNeonAt();
});
afterEach(() => restore());

/** Collects every byte a raw WebSocket receives until it closes. */
function rawWebSocket(path = '/v2'): { ws: WebSocket; received: () => Buffer; closed: Promise<number> } {
  const ws = new WebSocket(`ws://localhost:${t.server.port}${path}`);
  const chunks: Buffer[] = [];
  ws.on('message', (data) => chunks.push(data as Buffer));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  return { ws, received: () => Buffer.concat(chunks), closed };
}

const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);

function cancelRequest(processID: number, secretKey: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeInt32BE(16, 0);
  b.writeInt32BE(80877102, 4);
  b.writeInt32BE(processID, 8);
  b.writeInt32BE(secretKey, 12);
  return b;
}

describe('authenticating upstream with the real @neondatabase/serverless', () => {
  for (const role of ['superuser', 'scram', 'md5', 'password', 'trust'] as const) {
    it(`Client as the ${role} role, with the default pipelineConnect: 'password'`, async () => {
      const client = new NeonClient(t.url(role));
      await client.connect();
      const result = await client.query('select current_user as u, $1::int + 1 as n', [41]);
      expect(result.rows).toEqual([{ u: credentials(role).user, n: 42 }]);
      await client.end();
    });
  }

  it('Client with pipelineConnect: false (the server asks for the password first)', async () => {
    const client = new NeonClient(t.url('scram'));
    client.neonConfig.pipelineConnect = false;
    await client.connect();
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  });

  it('Pool runs concurrent queries and transactions over several sockets', async () => {
    const pool = new NeonPool({ connectionString: t.url('scram'), max: 4 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => pool.query('select $1::int * 2 as v', [i])),
    );
    expect(results.map((r) => r.rows[0].v)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
    const client = await pool.connect();
    await client.query('begin');
    await client.query('create temp table ws_tmp (x int)');
    await client.query('insert into ws_tmp values (1), (2)');
    expect((await client.query('select sum(x)::int as s from ws_tmp')).rows).toEqual([{ s: 3 }]);
    await client.query('rollback');
    client.release();
    await pool.end();
  });

  it('a wrong password fails with the upstream SQLSTATE and message, not XX000', async () => {
    const { user } = credentials('scram');
    const client = new NeonClient(
      t.server.connectionString({ user, password: 'wrong', database: 'postgres' }),
    );
    client.on('error', () => {});
    const error = await client
      .connect()
      .then(() => client.query('select 1'))
      .then(
        () => undefined,
        (e: pg.DatabaseError) => e,
      );
    expect(error).toMatchObject({
      code: '28P01',
      message: `password authentication failed for user "${user}"`,
    });
    expect(t.logs.join('\n')).not.toContain('wrong');
  });

  it('an unknown database fails with 3D000', async () => {
    const { user, password } = credentials('scram');
    const client = new pg.Client({
      connectionString: t.server.connectionString({ user, password, database: 'no_such_db' }),
    });
    await expect(client.connect()).rejects.toMatchObject({
      code: '3D000',
      message: 'database "no_such_db" does not exist',
    });
  });
});

describe('safety: address=', () => {
  it('refuses an address= that names neither the upstream nor this server', async () => {
    const neon = await import('@neondatabase/serverless');
    neon.neonConfig.wsProxy = `localhost:${t.server.port}/v2`; // string form: appends ?address=host:port
    const { user, password } = credentials('scram');
    const client = new NeonClient(`postgresql://${user}:${password}@db.example.com:5432/postgres`);
    client.on('error', () => {});
    const error = await client
      .connect()
      .then(() => client.query('select 1'))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(error?.message).toContain('refusing to connect to db.example.com:5432');
    expect(t.logs.some((l) => l.startsWith('warn') && l.includes('db.example.com:5432'))).toBe(true);
  });

  it('accepts an address= naming the upstream itself', async () => {
    const neon = await import('@neondatabase/serverless');
    neon.neonConfig.wsProxy = `localhost:${t.server.port}/v1`;
    const { user, password } = credentials('scram');
    const info = pgInfo();
    const client = new NeonClient(`postgresql://${user}:${password}@${info.host}:${info.port}/postgres`);
    await client.connect();
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    await client.end();
  });

  it('accepts any path and no address at all', async () => {
    const neon = await import('@neondatabase/serverless');
    neon.neonConfig.wsProxy = (host, port) => `${host}:${port}/some/where/else`;
    const client = new NeonClient(t.url('md5'));
    await client.connect();
    expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
    await client.end();
  });
});

describe('protocol details', () => {
  it("answers SSLRequest with 'N' over WebSocket and over TCP", async () => {
    const raw = rawWebSocket();
    await new Promise((resolve) => raw.ws.once('open', resolve));
    raw.ws.send(sslRequest);
    await expect.poll(() => raw.received().toString(), { timeout: 5000 }).toBe('N');
    raw.ws.close();

    const socket = netConnect(t.server.port, '127.0.0.1');
    const answer = await new Promise<Buffer>((resolve) => {
      socket.once('data', resolve);
      socket.write(sslRequest);
    });
    expect(answer.toString()).toBe('N');
    socket.destroy();
  });

  it('plain pg (and psql-style clients) connect over TCP on the same port', async () => {
    for (const role of ['scram', 'md5', 'password', 'trust'] as const) {
      const client = new pg.Client(t.url(role));
      await client.connect();
      expect((await client.query('select current_user as u')).rows).toEqual([{ u: credentials(role).user }]);
      await client.end();
    }
  });

  it('closes the connection on a text frame', async () => {
    const raw = rawWebSocket();
    await new Promise((resolve) => raw.ws.once('open', resolve));
    raw.ws.send('hello');
    expect(await raw.closed).toBe(1003);
  });

  it('forwards a CancelRequest arriving on a new WebSocket or TCP connection', async () => {
    for (const via of ['ws', 'tcp'] as const) {
      const client = new NeonClient(t.url('scram'));
      await client.connect();
      await client.query('select 1');
      const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
      const sleeping = client.query('select pg_sleep(10)').then(
        () => undefined,
        (e: pg.DatabaseError) => e,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      if (via === 'ws') {
        const raw = rawWebSocket();
        await new Promise((resolve) => raw.ws.once('open', resolve));
        raw.ws.send(cancelRequest(processID, secretKey));
        await raw.closed;
      } else {
        const socket = netConnect(t.server.port, '127.0.0.1', () =>
          socket.end(cancelRequest(processID, secretKey)),
        );
      }
      const error = await sleeping;
      expect(error?.code).toBe('57014');
      expect(Date.now() - started).toBeLessThan(3000);
      await client.end();
    }
  });

  it('closes promptly both ways: client end, and the backend terminated upstream', async () => {
    const client = new NeonClient(t.url('scram'));
    await client.connect();
    const pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    const started = Date.now();
    await client.end();
    expect(Date.now() - started).toBeLessThan(1000);
    const check = admin();
    await check.connect();
    await expect
      .poll(
        async () =>
          (await check.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid])).rows[0]
            .n,
        { timeout: 5000 },
      )
      .toBe(0);

    const victim = new NeonClient(t.url('scram'));
    const ended = new Promise<number>((resolve) => victim.on('end', () => resolve(Date.now())));
    victim.on('error', () => {});
    await victim.connect();
    const victimPid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    const killedAt = Date.now();
    await check.query('select pg_terminate_backend($1)', [victimPid]);
    expect((await ended) - killedAt).toBeLessThan(1000);
    await check.end();
  });
});

describe('results and lifecycle', () => {
  it('the driver over WebSocket gets what pg gets over TCP for every sample value type', async () => {
    const direct = new pg.Client(clientConfig('scram'));
    await direct.connect();
    const client = new NeonClient(t.url('scram'));
    await client.connect();
    try {
      for (const sample of sampleQueries) {
        const expected = await direct.query({ text: sample.text, values: sample.values });
        const got = await client.query({ text: sample.text, values: sample.values });
        // The driver bundles its own pg-types: compare values as JSON-able data, Dates as times.
        const normalise = (rows: unknown[]) => JSON.parse(JSON.stringify(rows));
        expect(normalise(got.rows), sample.name).toEqual(normalise(expected.rows));
        expect(
          got.fields.map((f) => ({ ...f })),
          sample.name,
        ).toEqual(expected.fields.map((f) => ({ ...f })));
        expect([got.command, got.rowCount], sample.name).toEqual([expected.command, expected.rowCount]);
      }
    } finally {
      await client.end();
      await direct.end();
    }
  });

  it('closing the server ends open sessions at once and their backends go away', async () => {
    const own = await startTestServer();
    const client = new NeonClient(own.url('scram'));
    client.on('error', () => {});
    const ended = new Promise<void>((resolve) => client.on('end', () => resolve()));
    await client.connect();
    const pid = (await client.query('select pg_backend_pid() as pid')).rows[0].pid as number;
    await own.server.close();
    await ended;
    const check = admin();
    await check.connect();
    await expect
      .poll(
        async () =>
          (await check.query('select count(*)::int as n from pg_stat_activity where pid = $1', [pid])).rows[0]
            .n,
        { timeout: 5000 },
      )
      .toBe(0);
    await check.end();
  });

  it('an unreachable upstream is reported as a FATAL 08006 the driver shows', async () => {
    const down = await startTestServer({ upstream: { host: '127.0.0.1', port: 1 } });
    try {
      const client = new pg.Client(down.url('scram'));
      await expect(client.connect()).rejects.toMatchObject({
        code: '08006',
        message: expect.stringContaining('could not connect to the upstream PostgreSQL at 127.0.0.1:1'),
      });
    } finally {
      await down.server.close();
    }
  });

  it('no log line of these sessions contains a password', () => {
    const passwords = (['superuser', 'scram', 'md5', 'password'] as const)
      .map((role) => credentials(role).password as string)
      .filter((password) => password !== 'postgres'); // the superuser's equals a database name
    expect(t.logs.length).toBeGreaterThan(10);
    for (const line of t.logs)
      for (const password of [...passwords, 'wrong']) expect(line).not.toContain(password);
  });
});
