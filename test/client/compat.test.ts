/**
 * The Client against npm pg over the same real PostgreSQL: every sample value type, result
 * shape (fields, command, rowCount, multi-statement arrays), and error fields must match.
 */
import type { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { pg } from '../core/oracle.js';
import { describeValue } from '../core/parsed-value.js';
import { sampleQueries } from '../fixtures/sample-values.js';
import { connectionString } from '../setup/pg.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

/** The parts of a result both libraries define the same way. */
function shape(result: {
  command: unknown;
  rowCount: unknown;
  oid: unknown;
  rows: unknown;
  fields: unknown[];
}) {
  return {
    command: result.command,
    rowCount: result.rowCount,
    oid: result.oid,
    // Described: class instances (intervals) by class name and content, as our registry's
    // classes are not pg-types'; Dates by time, bytes by content.
    rows: describeValue(result.rows),
    // Temp tables differ per session, so only say whether a column came from a table.
    fields: result.fields.map((f) => ({ ...(f as object), tableID: (f as { tableID: number }).tableID > 0 })),
  };
}

describe.each(transports)('query results equal pg (over %s)', (transport) => {
  let ours: Client;
  let theirs: PgClient;
  beforeAll(async () => {
    ours = new Client(configFor(transport));
    theirs = new pg.Client(connectionString('superuser'));
    await Promise.all([ours.connect(), theirs.connect()]);
    await theirs.query('create table if not exists compat_unique (id int primary key)');
  });
  afterAll(async () => {
    await Promise.all([ours?.end(), theirs?.end()]);
  });

  for (const sample of sampleQueries) {
    for (const rowMode of [undefined, 'array'] as const) {
      it(`${sample.name} (${rowMode ?? 'objects'})`, async () => {
        const config = { text: sample.text, values: sample.values, rowMode };
        const [a, b] = await Promise.all([ours.query(config), theirs.query(config)]);
        expect(shape(a)).toStrictEqual(shape(b));
        expect(a.rowAsArray).toBe((b as unknown as { rowAsArray: boolean }).rowAsArray);
      });
    }
  }

  const statements = [
    'create temp table t_compat (id serial primary key, v text unique)',
    `insert into t_compat (v) values ('a'), ('b')`,
    `update t_compat set v = v || '!' where id > 0`,
    'delete from t_compat where id = 1',
    `merge into t_compat using (select 2 as id) s on t_compat.id = s.id when matched then update set v = 'm'`,
    'select * from t_compat where false',
    'begin',
    'commit',
    'begin',
    'rollback',
    'begin',
    'select 1/0',
    'commit',
    'drop table t_compat',
    '',
    ';',
    'select 1; select 2 as two; update pg_class set relname = relname where false',
    // COPY without a stream: TO STDOUT data is dropped (rowCount kept), as pg does.
    'copy (select g from generate_series(1, 3) g) to stdout',
  ];
  it('gives the same command, rowCount and oid for every kind of statement, in order', async () => {
    for (const text of statements) {
      const [a, b] = await Promise.allSettled([ours.query(text), theirs.query(text)]);
      expect(a.status, text).toBe(b.status);
      if (a.status === 'fulfilled' && b.status === 'fulfilled') {
        const norm = (r: unknown) => (Array.isArray(r) ? r.map(shape) : shape(r as never));
        expect(norm(a.value), text).toStrictEqual(norm(b.value));
      }
    }
  });

  it('raises errors with the same DatabaseError fields', async () => {
    const failing: { text: string; values?: unknown[] }[] = [
      { text: 'select * from no_such_table' },
      { text: 'select 1 +' },
      { text: 'select $1::int', values: ['not a number'] },
      { text: 'select $1::int', values: [1, 2] },
      { text: 'select 1/0' },
      { text: 'insert into compat_unique values (1), (1)' },
      { text: 'insert into compat_unique values (null)' },
      { text: `select 'x'::int; select 1` },
      // COPY FROM STDIN with no stream: refused with pg's CopyFail message.
      { text: 'copy compat_unique from stdin' },
    ];
    const fields = [
      'name',
      'message',
      'severity',
      'code',
      'detail',
      'hint',
      'position',
      'where',
      'schema',
      'table',
      'column',
      'dataType',
      'constraint',
      'file',
      'routine',
    ];
    for (const config of failing) {
      const [a, b] = await Promise.allSettled([ours.query(config), theirs.query(config.text, config.values)]);
      expect(a.status).toBe('rejected');
      expect(b.status).toBe('rejected');
      const pick = (e: Record<string, unknown>) => Object.fromEntries(fields.map((k) => [k, e[k]]));
      const ea = (a as PromiseRejectedResult).reason;
      const eb = (b as PromiseRejectedResult).reason;
      expect(ea).toBeInstanceOf(pg.DatabaseError);
      expect(pick(ea), config.text).toStrictEqual(pick(eb));
    }
  });
});
