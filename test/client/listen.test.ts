/**
 * `client.listen()` / `notify()` and `pool.listen()` on every transport: delivery, channel
 * quoting, several handlers, unlisten (UNLISTEN once the last handler goes), bad input, and the
 * pool's listener LISTENing again after its connection is killed.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { Notification } from '../../src/client/listen.js';
import { UsageError } from '../../src/core/errors.js';
import { Pool } from '../../src/pool/pool.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

async function connected(transport: (typeof transports)[number]): Promise<Client> {
  const client = new Client(configFor(transport));
  await client.connect();
  return client;
}

/** Resolves with the next `count` payloads a handler receives. */
function collector(count = 1) {
  const payloads: string[] = [];
  const notifications: Notification[] = [];
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  const handler = (payload: string, notification: Notification) => {
    payloads.push(payload);
    notifications.push(notification);
    if (payloads.length === count) release();
  };
  return { payloads, notifications, handler, done };
}

async function channels(client: Client): Promise<string[]> {
  const { rows } = await client.query('select pg_listening_channels() as c order by 1');
  return rows.map((r) => r.c);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(transports)('LISTEN/NOTIFY helpers over %s', (transport) => {
  it('delivers notifications on any channel name, with parameterised payloads', async () => {
    const listener = await connected(transport);
    const notifier = await connected(transport);
    const channel = `Mixed Case "quoted" ✓ ${transport}`;
    const got = collector(2);
    const handle = await listener.listen(channel, got.handler);
    expect(handle.channel).toBe(channel);
    expect(await channels(listener)).toEqual([channel]);
    await notifier.notify(channel, `it's "fine"; drop table x --`);
    await notifier.notify(channel);
    await got.done;
    expect(got.payloads).toEqual([`it's "fine"; drop table x --`, '']);
    expect(got.notifications[0]).toMatchObject({ channel, processId: notifier.processID });
    await Promise.all([listener.end(), notifier.end()]);
  });

  it('shares a channel between handlers and UNLISTENs after the last one', async () => {
    const listener = await connected(transport);
    const first = collector(2);
    const second = collector(1);
    const a = await listener.listen('edgepg_shared', first.handler);
    const b = await listener.listen('edgepg_shared', second.handler);
    const other = await listener.listen('edgepg_other', () => {});
    await listener.notify('edgepg_shared', 'both');
    await second.done;
    await b.unlisten();
    await b.unlisten(); // idempotent
    expect(await channels(listener)).toEqual(['edgepg_other', 'edgepg_shared']);
    await listener.notify('edgepg_shared', 'first only');
    await first.done;
    expect(first.payloads).toEqual(['both', 'first only']);
    expect(second.payloads).toEqual(['both']);
    await a.unlisten();
    expect(await channels(listener)).toEqual(['edgepg_other']);
    await other[Symbol.asyncDispose]();
    expect(await channels(listener)).toEqual([]);
    await listener.end();
  });

  it('listens before connect, and refuses bad input clearly', async () => {
    const client = new Client(configFor(transport));
    const got = collector();
    const listening = client.listen('edgepg_early', got.handler);
    await client.connect();
    await listening;
    await client.notify('edgepg_early', 'early');
    await got.done;
    await expect(client.listen('', () => {})).rejects.toBeInstanceOf(UsageError);
    await expect(client.listen('x', 42 as unknown as () => void)).rejects.toBeInstanceOf(UsageError);
    await expect(client.notify(5 as unknown as string)).rejects.toBeInstanceOf(UsageError);
    await expect(client.notify('x', {} as unknown as string)).rejects.toBeInstanceOf(UsageError);
    expect(await channels(client)).toEqual(['edgepg_early']);
    await client.end();
    await expect(client.listen('edgepg_late', () => {})).rejects.toBeInstanceOf(UsageError);
  });

  it('pool.listen LISTENs again after its connection is killed', async () => {
    const appName = `edgepg_listen_${transport}`;
    const pool = new Pool({ ...configFor(transport), application_name: appName });
    const poolErrors: Error[] = [];
    pool.on('error', (error: Error) => poolErrors.push(error));
    const channel = `edgepg pool ${transport}`;
    const got: string[] = [];
    const handle = await pool.listen(channel, (payload) => got.push(payload));
    await pool.notify(channel, 'before');
    for (let i = 0; !got.includes('before'); i++) {
      expect(i).toBeLessThan(400);
      await pause(5);
    }
    const admin = await connected(transport);
    const killed = await admin.query(
      `select pg_terminate_backend(pid) as ok from pg_stat_activity
        where application_name = $1 and query like 'LISTEN%'`,
      [appName],
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    // Until the listener is back, notifications are lost: keep sending until one arrives.
    for (let i = 0; !got.includes('after'); i++) {
      expect(i).toBeLessThan(400);
      await admin.notify(channel, 'after');
      await pause(10);
    }
    const listening = await admin.query(
      `select count(*)::int as n from pg_stat_activity where application_name = $1 and query like 'LISTEN%'`,
      [appName],
    );
    expect(listening.rows).toEqual([{ n: 1 }]);
    await handle.unlisten();
    await Promise.all([pool.end(), admin.end()]);
    expect(poolErrors).toEqual([]);
    await expect(pool.listen(channel, () => {})).rejects.toBeInstanceOf(UsageError);
  });
});
