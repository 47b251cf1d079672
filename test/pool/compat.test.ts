/**
 * pg-pool 3.14 behaviours, checked side by side with `pg.Pool` as the oracle where they must
 * match: events and their order, waiters and timeouts, idle eviction, maxUses, release(err),
 * idle-client errors, end().
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { Pool, type PoolConfig } from '../../src/pool/pool.js';
import { clientConfig, hasRole } from '../setup/pg.js';

// biome-ignore lint/suspicious/noExplicitAny: both pools are driven through the same loose shape
type AnyPool = any;
const implementations = [
  ['edgepg', (config: PoolConfig) => new Pool(config)],
  ['pg', (config: PoolConfig) => new pg.Pool(config as pg.PoolConfig)],
] as const;

const open: AnyPool[] = [];
function make(which: (typeof implementations)[number][1], config: PoolConfig = {}): AnyPool {
  const pool = which({ ...clientConfig(), ...config });
  pool.on('error', () => {});
  open.push(pool);
  return pool;
}
afterEach(async () => {
  for (const pool of open.splice(0)) if (!pool.ending) await pool.end();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventLog(pool: AnyPool): Promise<string[]> {
  const events: string[] = [];
  pool.on('connect', () => events.push('connect'));
  pool.on('acquire', () => events.push('acquire'));
  pool.on('release', (err: unknown) => events.push(`release(${String(err)})`));
  const removed = new Promise((resolve) => pool.on('remove', resolve));
  pool.on('remove', () => events.push('remove'));
  const client = await pool.connect();
  client.release();
  await pool.query('select 1');
  const again = await pool.connect();
  again.release(true);
  await removed;
  return events;
}

describe('events', () => {
  it('come in pg-pool order with pg-pool argument values', async () => {
    const ours = await eventLog(make(implementations[0][1]));
    const theirs = await eventLog(make(implementations[1][1]));
    expect(ours).toEqual([
      'connect',
      'acquire',
      'release(undefined)',
      'acquire',
      'release(null)',
      'acquire',
      'release(true)',
      'remove',
    ]);
    expect(ours).toEqual(theirs);
  });

  it('a failed pool.query is released with its error (the shared connection stays)', async () => {
    const pool = make(implementations[0][1]);
    const released: unknown[] = [];
    pool.on('release', (err: unknown) => released.push(err));
    const pid = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid;
    await expect(pool.query('select 1/0')).rejects.toMatchObject({ code: '22012' });
    expect((released[1] as Error).message).toBe('division by zero');
    expect((await pool.query('select pg_backend_pid() as pid')).rows[0].pid).toBe(pid);
    expect(pool.totalCount).toBe(1);
  });
});

describe.each(implementations)('%s pool', (name, which) => {
  it('a first pool.query on an empty pool: connect, acquire, release(null)', async () => {
    const pool = make(which);
    const events: string[] = [];
    pool.on('connect', () => events.push('connect'));
    pool.on('acquire', () => events.push('acquire'));
    pool.on('release', (err: unknown) => events.push(`release(${String(err)})`));
    await pool.query('select 1');
    expect(events).toEqual(['connect', 'acquire', 'release(null)']);
  });

  it('removes an idle client once maxLifetimeSeconds has passed', async () => {
    const pool = make(which, { maxLifetimeSeconds: 1 });
    const removed = new Promise((resolve) => pool.once('remove', resolve));
    const pid = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid;
    expect(pool.expiredCount).toBe(0);
    await removed;
    expect(pool.totalCount).toBe(0);
    expect((await pool.query('select pg_backend_pid() as pid')).rows[0].pid).not.toBe(pid);
  });

  it('a client that cannot connect fails its waiter once and frees its slot', async () => {
    const pool = make(which, { max: 1, password: 'wrong', connectionTimeoutMillis: 2000 });
    const held = pool.connect().catch((e: Error) => e);
    const queued = pool.connect().catch((e: Error) => e);
    const calls: unknown[] = [];
    await new Promise<void>((resolve) =>
      pool.connect((err: unknown) => {
        calls.push(err);
        resolve();
      }),
    );
    expect(await held).toMatchObject({ code: '28P01' });
    expect(await queued).toMatchObject({ code: '28P01' });
    expect((calls[0] as { code?: string }).code).toBe('28P01');
    expect(pool.totalCount).toBe(0);
    await sleep(50);
    expect(calls).toHaveLength(1);
  });

  it('queues waiters in FIFO order once max is reached', async () => {
    const pool = make(which, { max: 2 });
    const a = await pool.connect();
    const b = await pool.connect();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      pool.connect().then((client: AnyPool) => {
        order.push(n);
        return client;
      }),
    );
    await sleep(20);
    expect(pool.waitingCount).toBe(3);
    expect(pool.totalCount).toBe(2);
    a.release();
    const first = await waiters[0];
    b.release();
    const second = await waiters[1];
    first.release();
    const third = await waiters[2];
    second.release();
    third.release();
    expect(order).toEqual([1, 2, 3]);
    expect(pool.totalCount).toBe(2);
    expect(pool.idleCount).toBe(2);
  });

  it('times out waiters with pg-pool’s message', async () => {
    const pool = make(which, { max: 1, connectionTimeoutMillis: 100 });
    const held = await pool.connect();
    await expect(pool.connect()).rejects.toThrow(/^timeout exceeded when trying to connect$/);
    await expect(pool.query('select 1')).rejects.toThrow(/^timeout exceeded when trying to connect$/);
    expect(pool.waitingCount).toBe(0);
    held.release();
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('evicts idle clients after idleTimeoutMillis', async () => {
    const pool = make(which, { idleTimeoutMillis: 50 });
    const removed = new Promise((resolve) => pool.once('remove', resolve));
    await pool.query('select 1');
    expect(pool.totalCount).toBe(1);
    expect(pool.idleCount).toBe(1);
    await removed;
    expect(pool.totalCount).toBe(0);
    expect(pool.idleCount).toBe(0);
  });

  it('keeps min clients through idle eviction', async () => {
    const pool = make(which, { idleTimeoutMillis: 30, min: 1 });
    const [a, b] = await Promise.all([pool.connect(), pool.connect()]);
    a.release();
    b.release();
    await sleep(120);
    expect(pool.totalCount).toBe(1);
  });

  it('replaces a client after maxUses checkouts', async () => {
    const pool = make(which, { maxUses: 2 });
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const client = await pool.connect();
      pids.push(client.processID);
      client.release();
    }
    expect(pids[0]).toBe(pids[1]);
    expect(pids[2]).not.toBe(pids[1]);
    expect(pids[2]).toBe(pids[3]);
  });

  it('counts each sequential pool.query as one use for maxUses', async () => {
    const pool = make(which, { maxUses: 3 });
    const pids: number[] = [];
    for (let i = 0; i < 6; i++) pids.push((await pool.query('select pg_backend_pid() as pid')).rows[0].pid);
    expect(new Set(pids.slice(0, 3)).size).toBe(1);
    expect(new Set(pids.slice(3)).size).toBe(1);
    expect(pids[3]).not.toBe(pids[0]);
  });

  it('destroys a client released with an error, and refuses a second release', async () => {
    const pool = make(which);
    const removed = new Promise((resolve) => pool.once('remove', resolve));
    const client = await pool.connect();
    const pid = client.processID;
    client.release(new Error('broken'));
    expect(() => client.release()).toThrow(
      /^Release called on client which has already been released to the pool\.$/,
    );
    await removed;
    expect(pool.totalCount).toBe(0);
    const next = await pool.connect();
    expect(next.processID).not.toBe(pid);
    next.release();
  });

  it('reports an idle client’s error on the pool, evicts it, and keeps working', async () => {
    const pool = make(which);
    const errors: [Error, unknown][] = [];
    pool.on('error', (err: Error, client: unknown) => errors.push([err, client]));
    const client = await pool.connect();
    const pid = client.processID;
    client.release();
    const killer = new pg.Client(clientConfig());
    await killer.connect();
    await killer.query('select pg_terminate_backend($1)', [pid]);
    await killer.end();
    for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(10);
    expect(errors).toHaveLength(1);
    expect(errors[0][1]).toBe(client);
    expect((errors[0][0] as Error & { client?: unknown }).client).toBe(client);
    expect(pool.totalCount).toBe(0);
    const { rows } = await pool.query('select pg_backend_pid() as pid');
    expect(rows[0].pid).not.toBe(pid);
  });

  it('end() waits for checked-out clients, then refuses new work', async () => {
    const pool = make(which);
    const client = await pool.connect();
    await pool.query('select 1'); // a second, idle connection (the first is checked out)
    let ended = false;
    const ending = pool.end().then(() => {
      ended = true;
    });
    await sleep(50);
    expect(ended).toBe(false);
    expect(pool.ending).toBe(true);
    expect(pool.totalCount).toBe(1);
    await client.query('select 1');
    client.release();
    await ending;
    expect(pool.ended).toBe(true);
    expect(pool.totalCount).toBe(0);
    await expect(pool.connect()).rejects.toThrow(/^Cannot use a pool after calling end on the pool$/);
    await expect(pool.query('select 1')).rejects.toThrow(/^Cannot use a pool after calling end on the pool$/);
  });

  it('rejects a function as the first argument of query() with pg’s message', async () => {
    const pool = make(which);
    const error = await new Promise<Error>((resolve) => pool.query(resolve));
    expect(error.message).toBe('Passing a function as the first parameter to pool.query is not supported');
  });

  it('supports every query() overload', async () => {
    const pool = make(which);
    expect((await pool.query('select $1::int as n', [1])).rows).toEqual([{ n: 1 }]);
    expect((await pool.query({ text: 'select $1::int as n', values: [2] })).rows).toEqual([{ n: 2 }]);
    expect((await pool.query({ text: 'select $1::int as n', rowMode: 'array' }, [3])).rows).toEqual([[3]]);
    const viaCallback = await new Promise((resolve, reject) =>
      pool.query('select 4 as n', (err: Error | null, res: AnyPool) =>
        err ? reject(err) : resolve(res.rows),
      ),
    );
    expect(viaCallback).toEqual([{ n: 4 }]);
    const withValues = await new Promise((resolve, reject) =>
      pool.query('select $1::int as n', [5], (err: Error | null, res: AnyPool) =>
        err ? reject(err) : resolve(res.rows),
      ),
    );
    expect(withValues).toEqual([{ n: 5 }]);
    const failed = await new Promise((resolve) =>
      pool.query('select 1/0', (err: Error | null) => resolve(err)),
    );
    expect((failed as Error).message).toBe('division by zero');
    expect((await pool.query('select 1; select 2')).map((r: AnyPool) => r.rows)).toEqual([
      [{ '?column?': 1 }],
      [{ '?column?': 2 }],
    ]);
  });

  it('connect() callback form gives (err, client, release)', async () => {
    const pool = make(which);
    const pid = await new Promise((resolve, reject) =>
      pool.connect((err: Error | undefined, client: AnyPool, release: (e?: unknown) => void) => {
        if (err) return reject(err);
        client.query('select pg_backend_pid() as pid').then((r: AnyPool) => {
          release();
          resolve(r.rows[0].pid);
        }, reject);
      }),
    );
    expect(typeof pid).toBe('number');
    expect(pool.idleCount).toBe(1);
  });

  it('normalises options as pg-pool does and hides the password', () => {
    const pool = make(which, { password: 'secret', poolSize: 3, idleTimeoutMillis: undefined });
    expect(pool.options.max).toBe(3);
    expect(pool.options.min).toBe(0);
    expect(pool.options.idleTimeoutMillis).toBe(10000);
    expect(pool.options.maxUses).toBe(Number.POSITIVE_INFINITY);
    expect(pool.options.password).toBe('secret');
    expect(Object.keys(pool.options)).not.toContain('password');
    expect(JSON.stringify(pool.options)).not.toContain('secret');
    const disabled = make(which, { idleTimeoutMillis: 0 });
    expect(disabled.options.idleTimeoutMillis).toBe(0);
    expect(make(which).options.max).toBe(10);
    void name;
  });
});

describe('edgepg-specific', () => {
  it('keeps the class name Pool and the Client property', () => {
    const pool = new Pool();
    expect(pool.constructor.name).toBe('Pool');
    expect(pool.Client).toBe(Client);
    class MyClient extends Client {}
    expect(new Pool({ Client: MyClient }).Client).toBe(MyClient);
  });

  it('builds clients with config.Client and passes the hidden password through', async () => {
    const role = hasRole('scram') ? 'scram' : 'superuser';
    const built: unknown[] = [];
    class Counting extends Client {
      constructor(config: PoolConfig) {
        super(config);
        built.push(config);
      }
    }
    const pool = make(() => new Pool({ ...clientConfig(role), Client: Counting }));
    expect((await pool.query('select current_user as u')).rows[0].u).toBe(clientConfig(role).user);
    expect(built).toHaveLength(1);
  });

  it('end() is idempotent: the same promise, where pg-pool rejects the second call', async () => {
    const pool = make(implementations[0][1]);
    await pool.query('select 1');
    const first = pool.end();
    expect(pool.end()).toBe(first);
    await first;
    const theirs = make(implementations[1][1]);
    await theirs.end();
    await expect(theirs.end()).rejects.toThrow(/^Called end on pool more than once$/);
  });

  it('an idle client’s error with no pool listener does not crash; the pool recovers', async () => {
    const pool = new Pool(clientConfig());
    open.push(pool);
    const client = await pool.connect();
    const pid = client.processID;
    client.release();
    const killer = new Client(clientConfig());
    await killer.connect();
    await killer.query('select pg_terminate_backend($1)', [pid]);
    await killer.end();
    for (let i = 0; i < 100 && pool.totalCount > 0; i++) await sleep(10);
    expect(pool.totalCount).toBe(0);
    expect((await pool.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });

  it('a pooled client’s asyncDispose releases it; the pool’s ends the pool', async () => {
    const pool = new Pool(clientConfig());
    const client = await pool.connect();
    await client[Symbol.asyncDispose]();
    expect(pool.idleCount).toBe(1);
    expect(() => client.release()).toThrow(/already been released/);
    await client[Symbol.asyncDispose](); // a second dispose is harmless
    await pool[Symbol.asyncDispose]();
    expect(pool.ended).toBe(true);
  });

  it('connectionTimeoutMillis on a connection that cannot be made gives pg-pool’s message', async () => {
    // A listening socket that never answers: connect hangs until the timeout.
    const net = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      const pool = new Pool({ host: '127.0.0.1', port, user: 'x', connectionTimeoutMillis: 100 });
      const error = await pool.connect().catch((e: Error) => e);
      expect((error as Error).message).toBe('Connection terminated due to connection timeout');
      expect((error as Error & { code?: string }).code).toBe('EDGEPG_TIMEOUT');
      await expect(pool.query('select 1')).rejects.toThrow(
        /^Connection terminated due to connection timeout$/,
      );
      expect(pool.totalCount).toBe(0);
      await pool.end();
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});
