/**
 * Client features beyond plain queries, on every transport: Submittables (pg-cursor,
 * pg-query-stream), notices, LISTEN/NOTIFY, timeouts, cancel, and the connection lifecycle.
 */
import { createServer, type Server } from 'node:net';
import Cursor from 'pg-cursor';
import QueryStream from 'pg-query-stream';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ConnectionError, TimeoutError, UsageError } from '../../src/core/errors.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

/** Resolves on the next `event`. (node:events' `once` would also reject on 'error'.) */
function next(emitter: Client, event: string): Promise<unknown[]> {
  return new Promise((resolve) => emitter.once(event, (...args: unknown[]) => resolve(args)));
}

async function connected(transport: (typeof transports)[number], extra: object = {}) {
  const client = new Client({ ...configFor(transport), ...extra });
  await client.connect();
  return client;
}

describe.each(transports)('Client features over %s', (transport) => {
  it('runs pg-cursor, reading in batches, then keeps working', async () => {
    const client = await connected(transport);
    const cursor = client.query(new Cursor('select g as n from generate_series(1, 25) g where g > $1', [0]));
    const batches: number[][] = [];
    for (;;) {
      const rows = await cursor.read(10);
      if (rows.length === 0) break;
      batches.push(rows.map((r: { n: number }) => r.n));
    }
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    await cursor.close();
    // Queries issued while the cursor holds the connection wait their turn, then run.
    expect((await client.query('select 42 as x')).rows).toEqual([{ x: 42 }]);
    await client.end();
  });

  it('closes a cursor early and reports cursor errors', async () => {
    const client = await connected(transport);
    const cursor = client.query(new Cursor('select g from generate_series(1, 1000) g'));
    expect(await cursor.read(3)).toHaveLength(3);
    await cursor.close();
    const bad = client.query(new Cursor('select 1/0'));
    await expect(bad.read(1)).rejects.toMatchObject({ code: '22012' });
    expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await client.end();
  });

  it('streams rows with pg-query-stream', async () => {
    const client = await connected(transport);
    const stream = client.query(
      new QueryStream('select g as n from generate_series(1, 300) g', [], { batchSize: 50 }),
    );
    let sum = 0;
    for await (const row of stream) sum += (row as { n: number }).n;
    expect(sum).toBe((300 * 301) / 2);
    await client.end();
  });

  it('emits notices and notifications', async () => {
    const listener = await connected(transport);
    const notifier = await connected(transport);
    const notices: { message: string; severity: string }[] = [];
    listener.on('notice', (n) => notices.push(n));
    await listener.query(`do $$ begin raise notice 'hello %', 42; end $$`);
    expect(notices).toMatchObject([{ message: 'hello 42', severity: 'NOTICE' }]);

    await listener.query('listen edgepg_channel');
    const received = next(listener, 'notification');
    await notifier.query(`select pg_notify('edgepg_channel', 'payload ✓')`);
    const [notification] = await received;
    expect(notification).toMatchObject({
      channel: 'edgepg_channel',
      payload: 'payload ✓',
      processId: notifier.processID,
    });
    await Promise.all([listener.end(), notifier.end()]);
  });

  it('enforces statement_timeout on the server (57014)', async () => {
    const client = await connected(transport, { statement_timeout: 50 });
    await expect(client.query('select pg_sleep(5)')).rejects.toMatchObject({
      code: '57014',
      message: 'canceling statement due to statement timeout',
    });
    expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await client.end();
  });

  it('rejects with Query read timeout on query_timeout, and the connection stays usable', async () => {
    const client = await connected(transport);
    const slow = client.query({ text: 'select pg_sleep(0.3)', query_timeout: 50 });
    await expect(slow).rejects.toBeInstanceOf(TimeoutError);
    await expect(slow).rejects.toThrow('Query read timeout');
    expect((await client.query('select 2 as ok')).rows).toEqual([{ ok: 2 }]);
    await client.end();
  });

  it('cancels a running query (57014 user request) and stays usable', async () => {
    const client = await connected(transport);
    const running = client.query('select pg_sleep(10)').then(
      () => undefined,
      (error: unknown) => error,
    );
    // Let the query reach the server before cancelling it.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await new Client(configFor(transport)).cancel(client);
    expect(await running).toMatchObject({
      code: '57014',
      message: 'canceling statement due to user request',
    });
    expect((await client.query('select 3 as ok')).rows).toEqual([{ ok: 3 }]);
    await client.end();
  });

  it('queues queries made before connect, and refuses them after end', async () => {
    const client = new Client(configFor(transport));
    const early = client.query('select 1 as early');
    await client.connect();
    expect((await early).rows).toEqual([{ early: 1 }]);
    await expect(client.connect()).rejects.toThrow(
      'Client has already been connected. You cannot reuse a client.',
    );
    const ended = next(client, 'end');
    await client.end();
    await ended;
    await client.end(); // idempotent
    await expect(client.query('select 1')).rejects.toBeInstanceOf(UsageError);
    await expect(client.query('select 1')).rejects.toThrow('Client was closed and is not queryable');
    expect(() => client.query(null as unknown as string)).toThrow(
      'Client was passed a null or undefined query',
    );
  });

  it('reports a backend killed by the server as an error event, without crashing, and refuses further queries', async () => {
    const victim = await connected(transport);
    const killer = await connected(transport);
    const errors: Error[] = [];
    victim.on('error', (e) => errors.push(e));
    const ended = next(victim, 'end');
    await killer.query('select pg_terminate_backend($1)', [victim.processID]);
    await ended;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: '57P01' });
    await expect(victim.query('select 1')).rejects.toThrow(/not queryable/);
    await killer.end();
  });

  it('does not crash when a connection dies with no error listener', async () => {
    const victim = await connected(transport);
    const killer = await connected(transport);
    const ended = next(victim, 'end');
    await killer.query('select pg_terminate_backend($1)', [victim.processID]);
    await ended;
    await expect(victim.query('select 1')).rejects.toBeInstanceOf(ConnectionError);
    await killer.end();
  });
});

describe('connect timeout', () => {
  it('rejects with a TimeoutError when the server never answers', async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: 'x',
      password: 'y',
      connectionTimeoutMillis: 200,
    });
    await expect(client.connect()).rejects.toBeInstanceOf(TimeoutError);
    silent.close();
  });

  it('rejects with a ConnectionError when nothing listens', async () => {
    const client = new Client({ host: '127.0.0.1', port: 1, user: 'x', password: 'y' });
    await expect(client.connect()).rejects.toBeInstanceOf(ConnectionError);
  });
});
