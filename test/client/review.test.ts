/**
 * Regression tests from the review of cursors, COPY and LISTEN: each case once hung a
 * connection, lost a notification or left a promise unsettled. Over TCP and WebSocket.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { UsageError } from '../../src/core/errors.js';
import { Pool } from '../../src/pool/pool.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

async function connected(transport: (typeof transports)[number]): Promise<Client> {
  const client = new Client(configFor(transport));
  await client.connect();
  return client;
}

describe.each(transports)('review regressions over %s', (transport) => {
  it('refuses a second COPY FROM STDIN in one copyFrom() instead of hanging the connection', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_twice (a int)');
    const stream = client.copyFrom('copy copy_twice from stdin; copy copy_twice from stdin');
    const done = expect(stream.done).rejects.toBeInstanceOf(UsageError);
    const writer = stream.getWriter();
    await writer.write('1\n');
    await expect(writer.close()).rejects.toBeInstanceOf(UsageError);
    await done;
    // The statements ran as one implicit transaction: the first COPY's row is rolled back.
    const { rows } = await client.query('select count(*)::int as n from copy_twice');
    expect(rows[0].n).toBe(0);
    // A COPY FROM behind a COPY TO in one statement string is refused too, with nothing copied.
    const mixed = client.copyFrom('copy (select 1) to stdout; copy copy_twice from stdin');
    await expect(mixed.done).rejects.toBeInstanceOf(UsageError);
    expect((await client.query('select count(*)::int as n from copy_twice')).rows[0].n).toBe(0);
    await client.end();
  });

  it('refuses a channel Postgres would truncate, and delivers on one of the longest valid names', async () => {
    const client = await connected(transport);
    const tooLong = 'é'.repeat(32); // 64 bytes in UTF-8: LISTEN would truncate it to 63
    await expect(client.listen(tooLong, () => {})).rejects.toBeInstanceOf(UsageError);
    await expect(client.listen('a\0b', () => {})).rejects.toBeInstanceOf(UsageError);
    await expect(client.notify(tooLong, 'x')).rejects.toBeInstanceOf(UsageError);
    const pool = new Pool(configFor(transport));
    await expect(pool.listen(tooLong, () => {})).rejects.toBeInstanceOf(UsageError);
    await pool.end();

    const longest = `${'é'.repeat(31)}x`; // 63 bytes
    const payloads: string[] = [];
    let received!: () => void;
    const both = new Promise<void>((resolve) => {
      received = resolve;
    });
    const listener = await client.listen(longest, (payload) => {
      payloads.push(payload);
      if (payloads.length === 2) received();
    });
    await client.notify(longest, 'by pg_notify');
    await client.query(`notify "${longest}", 'by NOTIFY'`);
    await both;
    expect(payloads).toEqual(['by pg_notify', 'by NOTIFY']);
    await listener.unlisten();
    await client.end();
  });
});
