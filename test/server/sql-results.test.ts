/**
 * `/sql` results: the unmodified @neondatabase/serverless 1.2.0 gets exactly what pg gets over
 * TCP for every sample value type, and the raw JSON bodies have Neon's exact shape.
 */
import { neon } from '@neondatabase/serverless';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleQueries } from '../fixtures/sample-values.js';
import { clientConfig } from '../setup/pg.js';
import { pointNeonAt, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let direct: pg.Client;
let restore: () => void;

beforeAll(async () => {
  t = await startTestServer();
  direct = new pg.Client(clientConfig('scram'));
  await direct.connect();
});
afterAll(async () => {
  await direct.end();
  await t.server.close();
});
beforeEach(() => {
  restore = pointNeonAt();
});
afterEach(() => restore());

/**
 * Class instances become plain objects (keeping their class name), except Dates and Buffers:
 * the driver bundles its own copy of pg-types, so its PostgresInterval is another class.
 */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Date || Buffer.isBuffer(value))
    return value;
  if (Array.isArray(value)) return value.map(plain);
  const out: Record<string, unknown> = { class: value.constructor?.name };
  for (const [key, item] of Object.entries(value)) out[key] = plain(item);
  return out;
}

/** What a pg Result and a Neon fullResults object must share, as plain data. */
function comparable(result: {
  command: string | null;
  rowCount: number | null;
  rows: unknown[];
  fields: object[];
}) {
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: plain(result.rows),
    fields: result.fields.map((f) => ({ ...f })),
  };
}

/** POSTs a raw /sql request and returns status, headers and parsed body. */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(t.server.sqlUrl, {
    method: 'POST',
    headers: { 'Neon-Connection-String': t.url('scram'), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: JSON.parse(text) };
}

describe('neon() results equal pg over TCP', () => {
  for (const sample of sampleQueries) {
    it(`${sample.name} (objects and arrayMode)`, async () => {
      const sql = neon(t.url('scram'));
      const expected = await direct.query({ text: sample.text, values: sample.values });
      const got = await sql.query(sample.text, sample.values ?? [], { fullResults: true });
      expect(comparable(got)).toStrictEqual(comparable(expected));

      const expectedArrays = await direct.query({
        text: sample.text,
        values: sample.values,
        rowMode: 'array',
      });
      const gotArrays = await sql.query(sample.text, sample.values ?? [], {
        arrayMode: true,
        fullResults: true,
      });
      expect(comparable(gotArrays)).toStrictEqual(comparable(expectedArrays));
      expect(gotArrays.rowAsArray).toBe(true);
    });
  }

  it('tagged templates, with parameters serialised by the driver', async () => {
    const sql = neon(t.url('scram'));
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    const rows =
      await sql`select ${42}::int as n, ${"it's"}::text as s, ${when}::timestamptz as at, ${[1, 2]}::int[] as a, ${Buffer.from('hi')} as b`;
    expect(rows).toStrictEqual([{ n: 42, s: "it's", at: when, a: [1, 2], b: Buffer.from('hi') }]);
  });

  it('command tags and row counts as pg reads them', async () => {
    const sql = neon(t.url('scram'));
    const run = (text: string) => sql.query(text, [], { fullResults: true });
    const name = `tags_${process.pid}`;
    const create = await run(`create table ${name} (x int)`);
    expect([create.command, create.rowCount]).toEqual(['CREATE', null]);
    const insert = await run(`insert into ${name} values (1), (2), (3)`);
    expect([insert.command, insert.rowCount]).toEqual(['INSERT', 3]);
    const update = await run(`update ${name} set x = x + 1 where x > 1`);
    expect([update.command, update.rowCount]).toEqual(['UPDATE', 2]);
    const del = await run(`delete from ${name}`);
    expect([del.command, del.rowCount]).toEqual(['DELETE', 3]);
    const drop = await run(`drop table ${name}`);
    expect([drop.command, drop.rowCount]).toEqual(['DROP', null]);
  });
});

describe('raw /sql bodies', () => {
  it('raw text, array mode: the exact body of the driver-style request', async () => {
    const r = await post(
      { query: 'select $1::text as str, 1 as n, null::int as nothing', params: ['xyz'] },
      { 'Neon-Raw-Text-Output': 'true', 'Neon-Array-Mode': 'true' },
    );
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.text).toBe(
      '{"fields":[' +
        '{"name":"str","dataTypeID":25,"tableID":0,"columnID":0,"dataTypeSize":-1,"dataTypeModifier":-1,"format":"text"},' +
        '{"name":"n","dataTypeID":23,"tableID":0,"columnID":0,"dataTypeSize":4,"dataTypeModifier":-1,"format":"text"},' +
        '{"name":"nothing","dataTypeID":23,"tableID":0,"columnID":0,"dataTypeSize":4,"dataTypeModifier":-1,"format":"text"}' +
        '],"rows":[["xyz","1",null]],"command":"SELECT","rowCount":1,"rowAsArray":true}',
    );
  });

  it('without raw output: Neon converts bool, int2/4, floats, json and arrays; the rest stays text', async () => {
    const r = await post({
      query: `select true as b, 7::int2 as i2, -8 as i4, 1.5::float8 as f8, 'NaN'::float4 as nan,
        'Infinity'::float8 as inf, '{"a":[1]}'::jsonb as jb, '[1,2]'::json as j, '{{1,NULL},{3,4}}'::int[] as ia,
        '{t,f}'::bool[] as ba, '{"x\\"y",NULL,"NULL"}'::text[] as ta, '[0:1]={1.5,2}'::float8[] as fa,
        '{}'::int[] as empty, 12::int8 as i8, 1.25::numeric as num, 'x'::text as t, '2024-01-02'::date as d`,
    });
    expect(r.status).toBe(200);
    expect(r.json.rows).toStrictEqual([
      {
        b: true,
        i2: 7,
        i4: -8,
        f8: 1.5,
        nan: 'NaN',
        inf: 'Infinity',
        jb: { a: [1] },
        j: [1, 2],
        ia: [
          [1, null],
          [3, 4],
        ],
        ba: [true, false],
        ta: ['x"y', null, 'NULL'],
        fa: [1.5, 2],
        empty: [],
        i8: '12',
        num: '1.25',
        t: 'x',
        d: '2024-01-02',
      },
    ]);
    expect(r.json.rowAsArray).toBe(false);
  });

  it('a query-level arrayMode overrides the header', async () => {
    const r = await post({ query: 'select 1 as a', arrayMode: false }, { 'Neon-Array-Mode': 'true' });
    expect(r.json.rows).toEqual([{ a: 1 }]);
    expect(r.json.rowAsArray).toBe(false);
    const s = await post({ query: 'select 1 as a', arrayMode: true });
    expect(s.json.rows).toEqual([[1]]);
  });

  it('header flags count only when exactly "true"', async () => {
    const r = await post(
      { query: 'select 1 as a' },
      { 'Neon-Array-Mode': 'TRUE', 'Neon-Raw-Text-Output': 'yes' },
    );
    expect(r.json.rows).toEqual([{ a: 1 }]);
  });

  it('JSON parameters become Postgres text as Neon converts them', async () => {
    const r = await post(
      {
        query:
          'select $1::text as a, $2::text as b, $3::text as c, $4::text as d, $5::text as e, $6::text as f',
        params: ['s', 42, true, { k: [1] }, [1, 'two', null, { x: 'y' }, [true]], null],
      },
      { 'Neon-Raw-Text-Output': 'true' },
    );
    expect(r.json.rows).toEqual([
      { a: 's', b: '42', c: 'true', d: '{"k":[1]}', e: '{1,"two",NULL,"{\\"x\\":\\"y\\"}",{true}}', f: null },
    ]);
  });

  it('an empty query and a statement without rows', async () => {
    const empty = await post({ query: '' });
    expect(empty.text).toBe('{"fields":[],"rows":[],"command":"","rowCount":null,"rowAsArray":false}');
    const set = await post({ query: 'set local work_mem = 1024' });
    expect(set.text).toBe('{"fields":[],"rows":[],"command":"SET","rowCount":null,"rowAsArray":false}');
  });

  it('duplicate column names in object mode keep every key in order, as a streaming writer does', async () => {
    const r = await post({ query: 'select 1 as a, 2 as a' }, { 'Neon-Raw-Text-Output': 'true' });
    expect(r.text).toContain('"rows":[{"a":"1","a":"2"}]');
  });
});
