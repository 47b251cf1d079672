/**
 * The template compiler, lazy query promises and request construction, with a recording fetch
 * (the byte-for-byte comparison with Neon is in ./differential.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  type NeonQueryInTransaction,
  neon,
  neonConfig,
  type ParameterizedQuery,
  SqlTemplate,
  UnsafeRawSql,
} from '../../src/http/index.js';
import { prepareQuery } from '../../src/http/request.js';
import { type CapturedRequest, capture, jsonResponse } from './helpers/sql-endpoint.js';

const URL = 'postgresql://u:p@ep-a-1.aws.neon.tech/db';
const empty = { fields: [], rows: [], command: 'SELECT', rowCount: 0, rowAsArray: true };

function recording(answer: (request: CapturedRequest) => unknown = () => empty) {
  const log: CapturedRequest[] = [];
  neonConfig.fetchFunction = async (url: string, init: Record<string, unknown>) => {
    log.push(capture(url, init));
    return jsonResponse(answer(log.at(-1)!));
  };
  return log;
}

afterEach(() => {
  neonConfig.fetchFunction = undefined;
});

const compile = (q: NeonQueryInTransaction) => prepareQuery(q.queryData);

describe('template compilation', () => {
  const sql = neon(URL);

  it('numbers placeholders continuously across nested fragments', () => {
    const where = sql`WHERE a = ${1} AND b = ${sql`lower(${'X'})`}`;
    const q = sql`SELECT * FROM t ${where} AND c = ${3} ${sql`AND d = ${4}`}`;
    expect(compile(q)).toEqual({
      query: 'SELECT * FROM t WHERE a = $1 AND b = lower($2) AND c = $3 AND d = $4',
      params: ['1', 'X', '3', '4'],
    });
  });

  it('the spec example', () => {
    const q = sql`SELECT * FROM t ${sql`WHERE a = ${1} AND b = ${'x'}`} AND c = ${[1, 2]} AND d = ${new Uint8Array([1, 2])} ${sql.unsafe('LIMIT 5')} ${sql.query('OFFSET 0')}`;
    expect(compile(q)).toEqual({
      query: 'SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = $4::bytea LIMIT 5 OFFSET 0',
      params: ['1', 'x', '{"1","2"}', '\\x0102'],
    });
  });

  it('appends ::bytea after Buffers and every ArrayBuffer view, and sends them as hex', () => {
    const q = sql`${Buffer.from('hi')} ${new Uint16Array([1])} ${new DataView(new ArrayBuffer(2))} ${[Buffer.from('a')]}`;
    expect(compile(q)).toEqual({
      query: '$1::bytea $2::bytea $3::bytea $4',
      params: ['\\x6869', '\\x0100', '\\x0000', '{\\\\x61}'],
    });
  });

  it('keeps an array as one parameter (a Postgres array literal), not a list', () => {
    expect(compile(sql`IN (${[1, null, 'a"b']})`)).toEqual({
      query: 'IN ($1)',
      params: ['{"1",NULL,"a\\"b"}'],
    });
  });

  it('pastes sql.query() fragments without params and refuses them with params', () => {
    expect(compile(sql`SELECT ${sql.query('1 AS one')}, ${2}`)).toEqual({
      query: 'SELECT 1 AS one, $1',
      params: ['2'],
    });
    expect(() => compile(sql`SELECT ${sql.query('$1', [1])}`)).toThrow(UsageError);
    expect(() => compile(sql`SELECT ${sql.query('$1', [1])}`)).toThrow('This query is not composable');
  });

  it('compiles a fragment from another neon() instance (only its text and values are used)', () => {
    const other = neon('postgresql://x:y@elsewhere.tech/db', { arrayMode: true });
    expect(compile(sql`SELECT ${other`${1}`}, ${2}`)).toEqual({ query: 'SELECT $1, $2', params: ['1', '2'] });
  });

  it('exposes queryData and opts as Neon does', () => {
    const t = sql`SELECT ${1}`;
    expect(t.queryData).toBeInstanceOf(SqlTemplate);
    expect((t.queryData as SqlTemplate).strings).toEqual(['SELECT ', '']);
    expect((t.queryData as SqlTemplate).values).toEqual([1]);
    expect(t.opts).toBeUndefined();
    expect(Object.keys(t)).toEqual(['execute', 'queryData', 'opts']);
    const q = sql.query('SELECT $1', [1], { arrayMode: true });
    expect(q.queryData as ParameterizedQuery).toEqual({ query: 'SELECT $1', params: [1] });
    expect(q.opts).toEqual({ arrayMode: true });
    expect((sql.query('SELECT 1').queryData as ParameterizedQuery).params).toEqual([]);
    expect(sql.unsafe('x')).toEqual(new UnsafeRawSql('x'));
    expect(new SqlTemplate(['a ', ''], [1]).toParameterizedQuery({ query: 'pre ', params: [0] })).toEqual({
      query: 'pre a $2',
      params: [0, 1],
    });
  });
});

describe('lazy query promises', () => {
  it('sends nothing until awaited, and once per then/catch/finally call', async () => {
    const log = recording();
    const sql = neon(URL);
    const q = sql`SELECT ${1}`;
    const inner = sql`SELECT 2`;
    sql`${inner}`; // composing does not run the fragment
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toHaveLength(0);
    expect(q).not.toBeInstanceOf(Promise);
    await q;
    await q;
    await q.catch(() => {});
    await q.finally(() => {});
    expect(log).toHaveLength(4);
  });

  it('transaction() collects queries without running them individually', async () => {
    const log = recording(() => ({ results: [empty, empty] }));
    const sql = neon(URL);
    await sql.transaction([sql`SELECT 1`, sql.query('SELECT $1', [2])]);
    expect(log).toHaveLength(1);
    expect(log[0].body).toEqual({
      queries: [
        { query: 'SELECT 1', params: [] },
        { query: 'SELECT $1', params: ['2'] },
      ],
    });
  });

  it('transaction() is eager and async: invalid arguments reject', async () => {
    const sql = neon(URL) as unknown as { transaction(arg: unknown): Promise<unknown> };
    const message = 'transaction() expects an array of queries, or a function returning an array of queries';
    for (const arg of ['x', [1], [Promise.resolve()], () => 'x', () => [{ queryData: {} }]]) {
      await expect(sql.transaction(arg)).rejects.toThrow(message);
    }
  });
});

describe('the request', () => {
  it('single query: headers, body, no Content-Type, POST to the Neon endpoint', async () => {
    const log = recording();
    await neon(`${URL}?sslmode=require`)`SELECT ${'a'}, ${null}, ${2n}`;
    expect(log[0]).toEqual({
      url: 'https://api.aws.neon.tech/sql',
      method: 'POST',
      headers: {
        'neon-connection-string': `${URL}?sslmode=require&application_name=pkg%3Anpm%2Fedgepg%401.0.0`,
        'neon-raw-text-output': 'true',
        'neon-array-mode': 'true',
      },
      headerNames: ['Neon-Connection-String', 'Neon-Raw-Text-Output', 'Neon-Array-Mode'],
      body: { query: 'SELECT $1, $2, $3', params: ['a', null, '2'] },
      init: {},
    });
  });

  it('transaction headers: only the options that are set, booleans as text', async () => {
    const log = recording(() => ({ results: [] }));
    const sql = neon(URL, { readOnly: false });
    await sql.transaction([]);
    await sql.transaction([], { isolationLevel: 'Serializable', readOnly: true, deferrable: true });
    await neon(URL).transaction([]);
    expect(log.map((r) => r.headerNames)).toEqual([
      ['Neon-Connection-String', 'Neon-Raw-Text-Output', 'Neon-Array-Mode', 'Neon-Batch-Read-Only'],
      [
        'Neon-Connection-String',
        'Neon-Raw-Text-Output',
        'Neon-Array-Mode',
        'Neon-Batch-Isolation-Level',
        'Neon-Batch-Read-Only',
        'Neon-Batch-Deferrable',
      ],
      ['Neon-Connection-String', 'Neon-Raw-Text-Output', 'Neon-Array-Mode'],
    ]);
    expect(log[1].headers['neon-batch-isolation-level']).toBe('Serializable');
    expect(log[0].headers['neon-batch-read-only']).toBe('false');
    expect(log[0].body).toEqual({ queries: [] });
  });

  it('transaction options are not sent for single queries', async () => {
    const log = recording();
    await neon(URL, { isolationLevel: 'Serializable', readOnly: true })`SELECT 1`;
    expect(Object.keys(log[0].headers)).not.toContain('neon-batch-read-only');
  });
});
