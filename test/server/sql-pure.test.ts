/**
 * The pure parts of `/sql`: connection-string and header parsing with Neon's error texts, body
 * parsing like serde's untagged enum, JSON parameters, command tags, and converted output.
 */
import { describe, expect, it } from 'vitest';
import { SqlHttpError } from '../../src/server/sql/errors.js';
import {
  batchEchoHeaders,
  jsonToPgText,
  parseConnectionString,
  parsePayload,
  parseSqlHeaders,
  startTransactionSql,
} from '../../src/server/sql/request.js';
import { parseCommandTag, ResultJson } from '../../src/server/sql/result-json.js';
import { ArrayParseError, arrayToJson, converterFor } from '../../src/server/sql/text-to-json.js';

const failure = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SqlHttpError);
    return [(error as SqlHttpError).status, (error as SqlHttpError).message];
  }
  throw new Error('expected a failure');
};

describe('Neon-Connection-String', () => {
  it('reads user, password, database and application_name, decoded; the host does not matter', () => {
    expect(
      parseConnectionString(
        'postgresql://al%40ice:p%40ss%2Fw@ep-x.neon.tech/my%20db?sslmode=require&application_name=app',
      ),
    ).toEqual({
      user: 'al@ice',
      password: 'p@ss/w',
      database: 'my db',
      applicationName: 'app',
    });
    expect(parseConnectionString('postgres://u@127.0.0.1:4444/db')).toEqual({
      user: 'u',
      password: undefined,
      database: 'db',
      applicationName: undefined,
    });
    expect(parseConnectionString('postgres://u:@[::1]/db').password).toBe('');
  });

  it("fails with Neon's messages", () => {
    expect(failure(() => parseConnectionString(undefined))).toEqual([
      400,
      'invalid header: neon-connection-string',
    ]);
    expect(failure(() => parseConnectionString('localhost/db'))).toEqual([
      400,
      'invalid connection string: relative URL without a base',
    ]);
    expect(failure(() => parseConnectionString('http://u:p@h/db'))).toEqual([400, 'incorrect scheme']);
    expect(failure(() => parseConnectionString('postgres://u:p@h'))).toEqual([400, 'missing database name']);
    expect(failure(() => parseConnectionString('postgres://:p@h/db'))).toEqual([400, 'missing username']);
    expect(failure(() => parseConnectionString('postgres://u:p@h:99999999/db'))).toEqual([
      400,
      'invalid connection string: invalid port number',
    ]);
    expect(failure(() => parseConnectionString('postgres://u:p@h/%E0%A4%A'))).toEqual([
      400,
      'invalid database name',
    ]);
  });
});

describe('headers', () => {
  const base = { 'neon-connection-string': 'postgres://u:p@h/db' };

  it('flags are on only for exactly "true"', () => {
    const on = parseSqlHeaders({ ...base, 'neon-raw-text-output': 'true', 'neon-array-mode': 'true' });
    expect([on.rawOutput, on.arrayMode]).toEqual([true, true]);
    const off = parseSqlHeaders({ ...base, 'neon-raw-text-output': 'True', 'neon-array-mode': '1' });
    expect([off.rawOutput, off.arrayMode]).toEqual([false, false]);
  });

  it('START TRANSACTION from the batch headers, and their echo', () => {
    const none = parseSqlHeaders(base);
    expect(startTransactionSql(none)).toBe('START TRANSACTION');
    expect(batchEchoHeaders(none)).toEqual([]);
    const all = parseSqlHeaders({
      ...base,
      'neon-batch-isolation-level': 'RepeatableRead',
      'neon-batch-read-only': 'true',
      'neon-batch-deferrable': 'true',
    });
    expect(startTransactionSql(all)).toBe(
      'START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY, DEFERRABLE',
    );
    expect(batchEchoHeaders(all)).toEqual([
      'Neon-Batch-Read-Only',
      'true',
      'Neon-Batch-Deferrable',
      'true',
      'Neon-Batch-Isolation-Level',
      'RepeatableRead',
    ]);
    const falses = parseSqlHeaders({
      ...base,
      'neon-batch-read-only': 'false',
      'neon-batch-deferrable': 'false',
    });
    expect(startTransactionSql(falses)).toBe('START TRANSACTION');
  });

  it('rejects an unknown isolation level; the connection string is checked first', () => {
    expect(failure(() => parseSqlHeaders({ ...base, 'neon-batch-isolation-level': 'serializable' }))).toEqual(
      [400, 'invalid isolation level'],
    );
    expect(failure(() => parseSqlHeaders({ 'neon-batch-isolation-level': 'x' }))).toEqual([
      400,
      'invalid header: neon-connection-string',
    ]);
  });
});

describe('body', () => {
  it('single and batch payloads; params and arrayMode optional; unknown keys ignored', () => {
    expect(parsePayload('{"query":"select 1","extra":1}')).toEqual({
      batch: false,
      query: { query: 'select 1', params: [], arrayMode: undefined },
    });
    expect(
      parsePayload(
        '{"queries":[{"query":"a","params":[1,null],"arrayMode":true},{"query":"b","arrayMode":null}]}',
      ),
    ).toEqual({
      batch: true,
      queries: [
        { query: 'a', params: ['1', null], arrayMode: true },
        { query: 'b', params: [], arrayMode: undefined },
      ],
    });
    // A body with both is a single query, as serde tries that variant first.
    expect(parsePayload('{"query":"a","queries":[]}').batch).toBe(false);
  });

  it('JSON parameters as Postgres text (proxy json_to_pg_text)', () => {
    expect(jsonToPgText(null)).toBeNull();
    expect(jsonToPgText('a"b')).toBe('a"b');
    expect(jsonToPgText(1.5)).toBe('1.5');
    expect(jsonToPgText(false)).toBe('false');
    expect(jsonToPgText({ a: [1] })).toBe('{"a":[1]}');
    expect(jsonToPgText([true, false, null, 'NULL', 42, 'foo', 'bar"-\\'])).toBe(
      '{true,false,NULL,"NULL",42,"foo","bar\\"-\\\\"}',
    );
    expect(
      jsonToPgText([
        [true, false],
        [null, 42],
      ]),
    ).toBe('{{true,false},{NULL,42}}');
    expect(jsonToPgText([{ foo: 1 }, { bar: 2 }])).toBe('{"{\\"foo\\":1}","{\\"bar\\":2}"}');
  });
});

describe('command tags (Neon parse_command_tag)', () => {
  it.each([
    ['SELECT 3', 'SELECT', 3],
    ['INSERT 0 5', 'INSERT', 5],
    ['INSERT 0', 'INSERT', null],
    ['UPDATE 0', 'UPDATE', 0],
    ['CREATE TABLE', 'CREATE', null],
    ['DROP TABLE', 'DROP', null],
    ['COPY 7', 'COPY', 7],
    ['BEGIN', 'BEGIN', null],
    ['', '', null],
  ])('%j', (tag, command, rowCount) => {
    expect(parseCommandTag(tag)).toEqual({ command, rowCount });
  });
});

describe('converted output', () => {
  it('scalars', () => {
    expect(converterFor(16)('t')).toBe('true');
    expect(converterFor(16)('f')).toBe('false');
    expect(converterFor(23)('-12')).toBe('-12');
    expect(converterFor(701)('1e+30')).toBe('1e+30');
    expect(converterFor(700)('-Infinity')).toBe('"-Infinity"');
    expect(converterFor(3802)('{"a": 1}')).toBe('{"a": 1}');
    expect(converterFor(20)('9007199254740993')).toBe('"9007199254740993"');
    expect(converterFor(25)('a"b')).toBe('"a\\"b"');
  });

  it('arrays, as in Neon json.rs tests', () => {
    const text = converterFor(1009);
    expect(JSON.parse(text('{"aa\\"\\\\\\,a",cha,"bbbb"}'))).toEqual(['aa"\\,a', 'cha', 'bbbb']);
    expect(JSON.parse(text('{{"1",2,3},{4,NULL,6},{NULL,NULL,NULL}}'))).toEqual([
      ['1', '2', '3'],
      ['4', null, '6'],
      [null, null, null],
    ]);
    expect(JSON.parse(converterFor(1000)('{{t,NULL},{NULL,f}}'))).toEqual([
      [true, null],
      [null, false],
    ]);
    expect(JSON.parse(converterFor(1005)('[1:1][-2:-1][3:5]={{{1,2,3},{4,5,6}}}'))).toEqual([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
    ]);
    expect(JSON.parse(converterFor(1021)('{NaN,Infinity,1.1}'))).toEqual(['NaN', 'Infinity', 1.1]);
    expect(JSON.parse(converterFor(3807)('{"{\\"foo\\": 1}", "{\\"bar\\": 2}"}'))).toEqual([
      { foo: 1 },
      { bar: 2 },
    ]);
    expect(converterFor(1007)('{}')).toBe('[]');
    expect(() => arrayToJson('{1,2', converterFor(23))).toThrow(ArrayParseError);
    expect(() => arrayToJson('{"a}', converterFor(25))).toThrow(ArrayParseError);
  });

  it('a result, in raw and converted mode', () => {
    const columns = [
      { name: 'a', tableID: 0, columnID: 0, dataTypeID: 23, dataTypeSize: 4, dataTypeModifier: -1 },
      { name: 'b', tableID: 1, columnID: 2, dataTypeID: 1007, dataTypeSize: -1, dataTypeModifier: -1 },
    ];
    const raw = new ResultJson(true, true);
    raw.setColumns(columns);
    raw.addRow(['1', '{1,2}']);
    raw.addRow([null, null]);
    raw.complete('SELECT 2');
    expect(JSON.parse(raw.toJson())).toEqual({
      fields: [
        {
          name: 'a',
          dataTypeID: 23,
          tableID: 0,
          columnID: 0,
          dataTypeSize: 4,
          dataTypeModifier: -1,
          format: 'text',
        },
        {
          name: 'b',
          dataTypeID: 1007,
          tableID: 1,
          columnID: 2,
          dataTypeSize: -1,
          dataTypeModifier: -1,
          format: 'text',
        },
      ],
      rows: [
        ['1', '{1,2}'],
        [null, null],
      ],
      command: 'SELECT',
      rowCount: 2,
      rowAsArray: true,
    });
    const converted = new ResultJson(false, false);
    converted.setColumns(columns);
    converted.addRow(['1', '{1,2}']);
    expect(JSON.parse(converted.toJson()).rows).toEqual([{ a: 1, b: [1, 2] }]);
  });
});
