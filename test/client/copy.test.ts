/**
 * `client.copyFrom()` / `client.copyTo()`: data in and out with checksums compared against the
 * server's own md5, Web and Node streams, and every failure leaving the connection usable. The
 * smaller variants run over every transport; the million-row round trip too.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ConnectionError, UsageError } from '../../src/core/errors.js';
import { Pool } from '../../src/pool/pool.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

async function connected(transport: (typeof transports)[number]): Promise<Client> {
  const client = new Client(configFor(transport));
  await client.connect();
  return client;
}

const md5 = (data: string | Uint8Array) => createHash('md5').update(data).digest('hex');

/** COPY text lines `id \t name \n`, in chunks of many lines. */
function* copyLines(rows: number, linesPerChunk = 1000): Generator<string> {
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += `${i}\tname ${i} ✓\n`;
    if (i % linesPerChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** The table's content rendered as COPY text, hashed by the server. */
const serverMd5 = (table: string) =>
  `select md5(string_agg(id || E'\\t' || name || E'\\n', '' order by id)) as md5, count(*)::int as n from ${table}`;

async function copyToBytes(client: Client, sql: string): Promise<{ bytes: Buffer; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const chunk of client.copyTo(sql)) parts.push(chunk);
  return { bytes: Buffer.concat(parts), chunks: parts.length };
}

async function copyRoundTrip(client: Client, table: string, rows: number): Promise<void> {
  await client.query(`create temp table ${table} (id int primary key, name text)`);
  const sent = createHash('md5');
  const stream = client.copyFrom(`copy ${table} (id, name) from stdin`);
  const writer = stream.getWriter();
  for (const chunk of copyLines(rows)) {
    sent.update(chunk);
    await writer.write(chunk);
  }
  await writer.close();
  const sentMd5 = sent.digest('hex');
  expect(await stream.done).toBe(rows);

  const server = await client.query(serverMd5(table));
  expect(server.rows[0]).toEqual({ md5: sentMd5, n: rows });

  const { bytes } = await copyToBytes(client, `copy (select id, name from ${table} order by id) to stdout`);
  expect(bytes.length).toBeGreaterThan(rows * 10);
  expect(md5(bytes)).toBe(sentMd5);
}

describe.each(transports)('COPY over %s', (transport) => {
  it('copies 20,000 rows in and out with equal checksums', async () => {
    const client = await connected(transport);
    await copyRoundTrip(client, 'copy_small', 20_000);
    await client.end();
  });

  it('copies a million rows in and out with equal checksums', async () => {
    const client = await connected(transport);
    await copyRoundTrip(client, 'copy_million', 1_000_000);
    await client.end();
  }, 120_000);

  it('works as Node streams, and the COPY holds the queue head', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_node (id int, name text)');
    const stream = client.copyFrom('copy copy_node from stdin');
    // Queued behind the COPY: sees the copied rows.
    const count = client.query('select count(*)::int as n from copy_node');
    await pipeline(Readable.from(copyLines(5000, 100), { objectMode: false }), stream.toNodeWritable());
    expect(await stream.done).toBe(5000);
    expect((await count).rows).toEqual([{ n: 5000 }]);

    const readable = client.copyTo('copy (select * from copy_node order by id) to stdout').toNodeReadable();
    const chunks: Buffer[] = [];
    for await (const chunk of readable) chunks.push(chunk as Buffer);
    expect(Buffer.isBuffer(chunks[0])).toBe(true);
    expect(md5(Buffer.concat(chunks))).toBe(md5([...copyLines(5000)].join('')));
    await client.end();
  });

  it('writes binary chunks and reports the row count', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_bytes (a int, b text)');
    const stream = client.copyFrom('copy copy_bytes from stdin with (format csv)');
    const writer = stream.getWriter();
    await writer.write(new TextEncoder().encode('1,"x, y"\n2,'));
    await writer.write(Buffer.from('\n3,z\n'));
    await writer.close();
    expect(await stream.done).toBe(3);
    const { rows } = await client.query('select a, b from copy_bytes order by a');
    expect(rows).toEqual([
      { a: 1, b: 'x, y' },
      { a: 2, b: null },
      { a: 3, b: 'z' },
    ]);
    await client.end();
  });

  it('rejects bad SQL clearly and stays usable', async () => {
    const client = await connected(transport);
    const bad = client.copyFrom('copy no_such_table from stdin');
    await expect(bad.getWriter().write('1\n')).rejects.toMatchObject({ code: '42P01' });
    await expect(bad.done).rejects.toMatchObject({ code: '42P01' });
    await expect(copyToBytes(client, 'copy no_such_table to stdout')).rejects.toMatchObject({
      code: '42P01',
    });
    expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await client.end();
  });

  it('reports an error mid-copy-in (bad data) and stays usable', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_bad (id int)');
    const stream = client.copyFrom('copy copy_bad from stdin');
    const writer = stream.getWriter();
    await writer.write('1\n2\n');
    await writer.write('three\n4\n');
    await expect(writer.close()).rejects.toMatchObject({ code: '22P02' });
    await expect(stream.done).rejects.toMatchObject({ code: '22P02' });
    expect((await client.query('select count(*)::int as n from copy_bad')).rows).toEqual([{ n: 0 }]);
    await client.end();
  });

  it('sends CopyFail when the writer aborts, and stays usable', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_abort (id int)');
    const stream = client.copyFrom('copy copy_abort from stdin');
    const writer = stream.getWriter();
    await writer.write('1\n2\n');
    await writer.abort(new Error('the producer gave up'));
    await expect(stream.done).rejects.toThrow(/the producer gave up/);
    expect((await client.query('select count(*)::int as n from copy_abort')).rows).toEqual([{ n: 0 }]);

    // A chunk of the wrong type fails the write and ends the COPY the same way.
    const typed = client.copyFrom('copy copy_abort from stdin');
    await expect(typed.getWriter().write(42 as unknown as string)).rejects.toBeInstanceOf(UsageError);
    await expect(typed.done).rejects.toMatchObject({ code: '57014' });
    expect((await client.query('select count(*)::int as n from copy_abort')).rows).toEqual([{ n: 0 }]);
    await client.end();
  });

  it('reports an error mid-copy-out after the data before it, and stays usable', async () => {
    const client = await connected(transport);
    const received: Uint8Array[] = [];
    const failure = await (async () => {
      for await (const chunk of client.copyTo(
        'copy (select 10 / (50000 - g) from generate_series(1, 60000) g) to stdout',
      ))
        received.push(chunk);
    })().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: '22012' });
    expect(Buffer.concat(received).toString().split('\n').length).toBeGreaterThan(1);
    expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
    await client.end();
  });

  it('leaves a copy-out early on break inside a transaction: the rest is drained, the transaction goes on', async () => {
    const client = await connected(transport);
    await client.query('begin');
    let chunks = 0;
    const copy = client.copyTo('copy (select g from generate_series(1, 200000) g) to stdout');
    for await (const _chunk of copy) {
      if (++chunks === 1) break;
    }
    expect(chunks).toBe(1);
    // No CancelRequest here: it would abort the caller's transaction.
    expect(await copy.done).toBe(200000);
    expect(client.getTransactionStatus()).toBe('T');
    expect((await client.query('select 3 as three')).rows).toEqual([{ three: 3 }]);
    await client.query('commit');
    await client.end();
  });

  it('stops the server with a CancelRequest when a copy-out is left early, and no later query is hit', async () => {
    const client = await connected(transport);
    let chunks = 0;
    // Far more than is worth draining: ~1 GB if it ran to its end.
    const copy = client.copyTo(
      `copy (select g, repeat('x', 90) from generate_series(1, 10000000) g) to stdout`,
    );
    for await (const _chunk of copy) {
      if (++chunks === 1) break;
    }
    expect(chunks).toBe(1);
    await expect(copy.done).rejects.toMatchObject({ code: '57014' });
    expect(copy.bytesReceived).toBeLessThan(100 * 1024 * 1024);
    // The queries right behind run untouched: the cancel was through before they started.
    const after = await Promise.all([
      client.query('select pg_sleep(0.05), 3 as three'),
      client.query('select 4 as four'),
    ]);
    expect(after.map((r) => r.rows[0])).toEqual([{ pg_sleep: '', three: 3 }, { four: 4 }]);
    expect(client.getTransactionStatus()).toBe('I');
    await client.end();
  });

  it('refuses statements of the wrong kind and bad input', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_kind (id int)');
    const wrongWay = client.copyFrom('copy (select 1) to stdout');
    await expect(wrongWay.done).rejects.toBeInstanceOf(UsageError);
    const notCopy = client.copyFrom('select 1');
    await expect(notCopy.done).rejects.toBeInstanceOf(UsageError);
    await expect(copyToBytes(client, 'copy copy_kind from stdin')).rejects.toBeInstanceOf(UsageError);
    await expect(copyToBytes(client, 'select 1')).rejects.toBeInstanceOf(UsageError);
    expect(() => client.copyFrom('')).toThrow(UsageError);
    expect(() => client.copyTo(undefined as unknown as string)).toThrow(UsageError);
    expect((await client.query('select 4 as four')).rows).toEqual([{ four: 4 }]);
    await client.end();
    await expect(client.copyTo('copy copy_kind to stdout').done).rejects.toBeInstanceOf(UsageError);
  });

  it('fails an open COPY clearly when the client ends', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_end (id int)');
    const stream = client.copyFrom('copy copy_end from stdin');
    const writer = stream.getWriter();
    await writer.write('1\n');
    await client.end();
    await expect(stream.done).rejects.toBeInstanceOf(ConnectionError);
    await expect(writer.close()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('is available on pool clients', async () => {
    const pool = new Pool({ ...configFor(transport), max: 1 });
    const client = await pool.connect();
    await client.query('create temp table copy_pool (id int)');
    const stream = client.copyFrom('copy copy_pool from stdin');
    const writer = stream.getWriter();
    await writer.write('1\n2\n3\n');
    await writer.close();
    const { bytes } = await copyToBytes(client, 'copy copy_pool to stdout');
    expect(bytes.toString()).toBe('1\n2\n3\n');
    client.release();
    await pool.end();
  });
});
