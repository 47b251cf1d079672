/**
 * A type parser that throws fails only its own query, as in pg (lib/query.js handleDataRow): the
 * first error is kept, the remaining DataRows are read but not parsed, and the query rejects with
 * that same error at ReadyForQuery. The connection, and queries pipelined behind, carry on.
 * Over TCP and WebSocket; pg itself is the oracle for which rows reach the parser.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { CustomTypesConfig } from '../../src/core/types.js';
import { Pool } from '../../src/pool/pool.js';
import { clientConfig } from '../setup/pg.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();
const INT4 = 23;
const FIVE_ROWS = 'select g from generate_series(1, 5) g';

/** Types whose int4 parser records every value it sees and throws on "2". */
function throwingTypes(seen: string[], failure: Error): CustomTypesConfig {
  return {
    getTypeParser: ((oid: number) =>
      oid === INT4
        ? (value: string) => {
            seen.push(value);
            if (value === '2') throw failure;
            return Number(value);
          }
        : (value: string) => value) as CustomTypesConfig['getTypeParser'],
  };
}

describe('the values a throwing parser sees, pg as the oracle', () => {
  it('stops parsing at the first failure, as pg does', async () => {
    const seenByPg: string[] = [];
    const pgClient = new pg.Client(clientConfig());
    await pgClient.connect();
    const pgFailure = new Error('pg parser failed');
    await expect(
      pgClient.query({ text: FIVE_ROWS, types: throwingTypes(seenByPg, pgFailure) as never }),
    ).rejects.toBe(pgFailure);
    await pgClient.end();

    const seen: string[] = [];
    const client = new Client(clientConfig());
    await client.connect();
    const failure = new Error('parser failed');
    await expect(client.query({ text: FIVE_ROWS, types: throwingTypes(seen, failure) })).rejects.toBe(
      failure,
    );
    await client.end();
    expect(seenByPg).toEqual(['1', '2']);
    expect(seen).toEqual(seenByPg);
  });
});

describe.each(transports)('a throwing type parser over %s', (transport) => {
  async function connected(): Promise<Client> {
    const client = new Client(configFor(transport));
    await client.connect();
    return client;
  }

  it('fails only the query whose types override throws, not those pipelined behind it', async () => {
    const client = await connected();
    const errors: Error[] = [];
    client.on('error', (error: Error) => errors.push(error));
    const failure = new Error('parser failed');
    const before = client.query('select 1 as one');
    const bad = client.query({ text: FIVE_ROWS, types: throwingTypes([], failure) });
    const after = client.query('select 2 as two');
    const badSettled = expect(bad).rejects.toBe(failure);
    expect((await before).rows).toEqual([{ one: 1 }]);
    await badSettled;
    expect((await after).rows).toEqual([{ two: 2 }]);
    expect((await client.query(FIVE_ROWS)).rowCount).toBe(5);
    expect(errors).toEqual([]);
    await client.end();
  });

  it('fails only the query when a client-wide parser throws', async () => {
    const client = await connected();
    const failure = new Error('client parser failed');
    client.setTypeParser(INT4, (value: string) => {
      if (value === '3') throw failure;
      return Number(value);
    });
    const bad = client.query(FIVE_ROWS);
    const after = client.query("select 'ok' as status");
    await expect(bad).rejects.toBe(failure);
    expect((await after).rows).toEqual([{ status: 'ok' }]);
    await client.end();
  });

  it('fails only the query given a types object without getTypeParser', async () => {
    const client = await connected();
    const bad = client.query({ text: 'select 1 as one', types: {} as never });
    const after = client.query('select 2 as two');
    await expect(bad).rejects.toBeInstanceOf(TypeError);
    expect((await after).rows).toEqual([{ two: 2 }]);
    await client.end();
  });

  it('fails only that pool.query when several share one connection', async () => {
    const pool = new Pool({ ...configFor(transport), max: 1 });
    const failure = new Error('pool parser failed');
    const results = await Promise.allSettled([
      pool.query('select 1 as n'),
      pool.query({ text: FIVE_ROWS, types: throwingTypes([], failure) }),
      pool.query('select 3 as n'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBe(failure);
    expect(pool.totalCount).toBe(1);
    expect((await pool.query('select 4 as n')).rows).toEqual([{ n: 4 }]);
    await pool.end();
  });

  it('fails only the cursor whose parser throws in a later batch, leaving no portal open', async () => {
    const client = await connected();
    const seen: string[] = [];
    const failure = new Error('cursor parser failed');
    const cursor = client.cursor<{ g: number }>(FIVE_ROWS, [], {
      fetchSize: 1,
      types: throwingTypes(seen, failure),
    });
    expect(await cursor.nextBatch()).toEqual([{ g: 1 }]);
    await expect(cursor.nextBatch()).rejects.toBe(failure);
    await expect(cursor.nextBatch()).rejects.toBe(failure);
    expect(seen).toEqual(['1', '2']);
    const open = await client.query("select count(*)::int as n from pg_cursors where name = 'edgepg_cursor'");
    expect(open.rows).toEqual([{ n: 0 }]);
    await client.end();
  });
});
