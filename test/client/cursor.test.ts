/**
 * `client.cursor()`: rows read in batches through a portal, with back-pressure, early close and
 * errors mid-stream, on every transport; the million-row memory bound over TCP.
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

/** A sequence per test, so rows produced by the server can be counted from another session. */
async function freshSequence(client: Client, name: string): Promise<void> {
  await client.query(`drop sequence if exists ${name}; create sequence ${name}`);
}

async function sequenceValue(client: Client, name: string): Promise<number> {
  const { rows } = await client.query(`select last_value, is_called from ${name}`);
  return rows[0].is_called ? Number(rows[0].last_value) : 0;
}

describe.each(transports)('client.cursor over %s', (transport) => {
  it('iterates every row in batches, with fields, and the connection keeps working', async () => {
    const client = await connected(transport);
    const cursor = client.cursor<{ n: number; s: string }>(
      'select g as n, $1::text || g as s from generate_series(1, 2500) g',
      ['row '],
      { fetchSize: 1000 },
    );
    // Queued behind the cursor: runs once the portal is exhausted.
    const after = client.query('select 7 as seven');
    let count = 0;
    let sum = 0;
    for await (const row of cursor) {
      count++;
      sum += row.n;
      if (row.n === 2500) expect(row.s).toBe('row 2500');
    }
    expect(count).toBe(2500);
    expect(sum).toBe((2500 * 2501) / 2);
    expect(cursor.fields.map((f) => f.name)).toEqual(['n', 's']);
    expect(cursor.rowCount).toBe(2500);
    expect((await after).rows).toEqual([{ seven: 7 }]);
    await client.end();
  });

  it('reads batch by batch and as a Web ReadableStream', async () => {
    const client = await connected(transport);
    const cursor = client.cursor('select g from generate_series(1, 25) g', [], { fetchSize: 10 });
    const sizes: number[] = [];
    for (let batch = await cursor.nextBatch(); batch.length > 0; batch = await cursor.nextBatch()) {
      sizes.push(batch.length);
    }
    expect(sizes).toEqual([10, 10, 5]);

    const stream = client
      .cursor<unknown[]>('select g, g * 2 from generate_series(1, 5) g', [], {
        fetchSize: 2,
        rowMode: 'array',
      })
      .stream();
    const rows: unknown[][] = [];
    for await (const row of stream as unknown as AsyncIterable<unknown[]>) rows.push(row);
    expect(rows).toEqual([
      [1, 2],
      [2, 4],
      [3, 6],
      [4, 8],
      [5, 10],
    ]);
    await client.end();
  });

  it('serves concurrent next() calls each a distinct row, then the end', async () => {
    const client = await connected(transport);
    const iterator = client
      .cursor<{ g: number }>('select g from generate_series(1, 5) g', [], { fetchSize: 2 })
      [Symbol.asyncIterator]();
    const results = await Promise.all(Array.from({ length: 7 }, () => iterator.next()));
    expect(results.filter((r) => !r.done).map((r) => r.value.g)).toEqual([1, 2, 3, 4, 5]);
    expect(results.filter((r) => r.done)).toHaveLength(2);
    await client.end();
  });

  it('fetches at most one batch ahead of a paused consumer', async () => {
    const client = await connected(transport);
    const observer = await connected(transport);
    await freshSequence(observer, 'edgepg_cursor_bp');
    // nextval() runs as the executor produces each row: the sequence counts rows the server made.
    const cursor = client.cursor<{ v: string }>(
      'select nextval($1) as v from generate_series(1, 100000)',
      ['edgepg_cursor_bp'],
      {
        fetchSize: 100,
      },
    );
    const iterator = cursor[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual({ v: '1' });
    // The consumer pauses after one row: the server has produced exactly the first batch.
    expect(await sequenceValue(observer, 'edgepg_cursor_bp')).toBe(100);
    for (let i = 0; i < 99; i++) await iterator.next();
    // The whole first batch consumed, the second not asked for yet.
    expect(await sequenceValue(observer, 'edgepg_cursor_bp')).toBe(100);
    expect((await iterator.next()).value).toEqual({ v: '101' });
    expect(await sequenceValue(observer, 'edgepg_cursor_bp')).toBe(200);
    await iterator.return?.();
    // Closed: nothing more was produced, and the connection is free.
    expect(await sequenceValue(observer, 'edgepg_cursor_bp')).toBe(200);
    expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await observer.query('drop sequence edgepg_cursor_bp');
    await Promise.all([client.end(), observer.end()]);
  });

  it('closes the portal on break, inside a transaction too, leaving no portal behind', async () => {
    const client = await connected(transport);
    await client.query('begin');
    let seen = 0;
    for await (const _row of client.cursor('select g from generate_series(1, 1000000) g', [], {
      fetchSize: 1000,
    })) {
      if (++seen === 10) break;
    }
    expect(seen).toBe(10);
    // The transaction is intact and holds no open portal (pg_cursors lists named protocol portals).
    const open = await client.query("select count(*)::int as n from pg_cursors where name = 'edgepg_cursor'");
    expect(open.rows).toEqual([{ n: 0 }]);
    expect(client.getTransactionStatus()).toBe('T');
    await client.query('commit');
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    await client.end();
  });

  it('reports an error mid-stream after the rows before it, and stays usable', async () => {
    const client = await connected(transport);
    const cursor = client.cursor<{ q: number }>(
      'select 10 / (500 - g) as q from generate_series(1, 1000) g',
      [],
      {
        fetchSize: 100,
      },
    );
    let received = 0;
    const failure = await (async () => {
      for await (const _row of cursor) received++;
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: '22012' });
    // Rows 1..400 came in whole batches; the batch holding row 500 failed.
    expect(received).toBe(400);
    expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
    await client.end();
  });

  it('rejects bad SQL and bad input clearly', async () => {
    const client = await connected(transport);
    await expect(client.cursor('selec 1').nextBatch()).rejects.toMatchObject({ code: '42601' });
    expect(() => client.cursor('select 1', [], { fetchSize: 0 })).toThrow(UsageError);
    expect(() => client.cursor('select 1', [], { fetchSize: 1.5 })).toThrow(UsageError);
    expect(() => client.cursor(42 as unknown as string)).toThrow(UsageError);
    expect(() => client.cursor('select 1', 'x' as unknown as unknown[])).toThrow(UsageError);
    await expect(client.cursor('select $1::int', [Symbol('x')]).nextBatch()).rejects.toThrow();
    // A cursor over a statement without rows ends at once.
    expect(await client.cursor('create temp table t_cursor_none (a int)').nextBatch()).toEqual([]);
    expect((await client.query('select 4 as four')).rows).toEqual([{ four: 4 }]);
    await client.end();
    await expect(client.cursor('select 1').nextBatch()).rejects.toThrow(UsageError);
  });

  it('fails an open cursor clearly when the connection goes away', async () => {
    const client = await connected(transport);
    const admin = await connected(transport);
    const cursor = client.cursor('select g from generate_series(1, 100000) g', [], { fetchSize: 10 });
    expect(await cursor.nextBatch()).toHaveLength(10);
    client.on('error', () => {});
    await admin.query('select pg_terminate_backend($1)', [client.processID]);
    await expect(cursor.nextBatch()).rejects.toMatchObject({
      code: expect.stringMatching(/^(57P01|EDGEPG_CONNECTION)$/),
    });
    await cursor.close();
    await admin.end();
  });

  it('is available on pool clients', async () => {
    const pool = new Pool({ ...configFor(transport), max: 1 });
    const client = await pool.connect();
    const rows = [];
    for await (const row of client.cursor('select g from generate_series(1, 30) g', [], { fetchSize: 7 }))
      rows.push(row);
    expect(rows).toHaveLength(30);
    client.release();
    await pool.end();
  });
});

describe('client.cursor with a million rows', () => {
  it('keeps memory flat (fetchSize 1000) and is usable after', async () => {
    const client = await connected('tcp');
    const before = process.memoryUsage().rss;
    let peak = before;
    let count = 0;
    let sum = 0;
    for await (const row of client.cursor<{ g: number }>('select g from generate_series(1, 1000000) g', [], {
      fetchSize: 1000,
    })) {
      count++;
      sum += row.g;
      if (count % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    const growthMb = (peak - before) / 2 ** 20;
    console.log(`cursor: 1,000,000 rows, peak RSS growth ${growthMb.toFixed(1)} MB`);
    expect(count).toBe(1_000_000);
    expect(sum).toBe((1_000_000 * 1_000_001) / 2);
    expect(growthMb).toBeLessThan(50);
    expect((await client.query('select 5 as five')).rows).toEqual([{ five: 5 }]);
    await client.end();
  }, 120_000);
});
