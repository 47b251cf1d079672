/**
 * `/sql` errors: Postgres errors reach the driver with every field pg's DatabaseError has, and
 * each row of the error table gets its exact status and 17-key body, with CORS everywhere.
 */
import { createServer } from 'node:net';
import { type NeonDbError, neon } from '@neondatabase/serverless';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientConfig, credentials } from '../setup/pg.js';
import { pointNeonAt, startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
let direct: pg.Client;
let restore: () => void;

beforeAll(async () => {
  t = await startTestServer({ maxResponseBytes: 64 * 1024 });
  direct = new pg.Client(clientConfig('scram'));
  await direct.connect();
  await direct.query(
    "drop table if exists err_t; create table err_t (id int primary key, v text not null check (v <> ''))",
  );
  await direct.query("insert into err_t values (1, 'one')");
});
afterAll(async () => {
  await direct.query('drop table if exists err_t');
  await direct.end();
  await t.server.close();
});
beforeEach(() => {
  restore = pointNeonAt();
});
afterEach(() => restore());

const FIELDS = [
  'message',
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

const pick = (error: object) =>
  Object.fromEntries(FIELDS.map((f) => [f, (error as Record<string, unknown>)[f]]));

/** The 17 keys of every error body: null everywhere, `""` for code and severity. */
function serverErrorBody(message: string): Record<string, unknown> {
  return {
    message,
    code: '',
    detail: null,
    hint: null,
    position: null,
    internalPosition: null,
    internalQuery: null,
    severity: '',
    where: null,
    table: null,
    column: null,
    schema: null,
    dataType: null,
    constraint: null,
    file: null,
    line: null,
    routine: null,
  };
}

async function request(init: RequestInit & { path?: string } = {}) {
  const response = await fetch(`${t.server.url}${init.path ?? '/sql'}`, init);
  const text = await response.text();
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('content-type')).toBe('application/json');
  return {
    status: response.status,
    text,
    json: JSON.parse(text) as Record<string, unknown>,
    headers: response.headers,
  };
}

const sqlRequest = (body: string, headers: Record<string, string> = {}) =>
  request({ method: 'POST', body, headers: { 'Neon-Connection-String': t.url('scram'), ...headers } });

describe('Postgres errors through neon() equal pg DatabaseError fields', () => {
  const cases: [string, string, unknown[]?][] = [
    ['syntax error', 'select from where'],
    ['undefined column', 'select nope from err_t'],
    ['division by zero', 'select 1 / $1::int', [0]],
    ['unique violation', "insert into err_t values (1, 'dup')"],
    ['not-null violation', 'insert into err_t values (2, null)'],
    ['check violation', "insert into err_t values (3, '')"],
    [
      'raise with detail and hint',
      "do $$ begin raise exception 'boom' using detail = 'd', hint = 'h', errcode = 'P0001'; end $$",
    ],
    ['internal query', "do $$ begin execute 'select nope'; end $$"],
    ['bad parameter', 'select $1::int', ['abc']],
    ['multiple statements', 'select 1; select 2'],
  ];
  for (const [name, text, values] of cases) {
    it(name, async () => {
      const sql = neon(t.url('scram'));
      const got = await sql.query(text, values ?? []).then(
        () => undefined,
        (e: NeonDbError) => e,
      );
      // pg's extended protocol, as the server uses, so positions and messages line up.
      const expected = await direct
        .query({ text, values: values ?? [], queryMode: 'extended' } as pg.QueryConfig)
        .then(
          () => undefined,
          (e: pg.DatabaseError) => e,
        );
      expect(got?.name).toBe('NeonDbError');
      expect(expected).toBeInstanceOf(pg.DatabaseError);
      expect(pick(got as object)).toStrictEqual(pick(expected as object));
    });
  }

  it('the error body carries Postgres fields under Neon key names, with null for absent ones', async () => {
    const r = await sqlRequest(JSON.stringify({ query: 'select nope' }));
    expect(r.status).toBe(400);
    expect(Object.keys(r.json)).toEqual([
      'message',
      'code',
      'detail',
      'hint',
      'position',
      'internalPosition',
      'internalQuery',
      'severity',
      'where',
      'table',
      'column',
      'schema',
      'dataType',
      'constraint',
      'file',
      'line',
      'routine',
    ]);
    expect(r.json).toMatchObject({
      message: 'column "nope" does not exist',
      code: '42703',
      severity: 'ERROR',
      position: '8',
      detail: null,
      routine: 'errorMissingColumn',
    });
  });
});

describe('the error table: exact status and body', () => {
  it('no Neon-Connection-String', async () => {
    const r = await request({ method: 'POST', body: '{"query":"select 1"}' });
    expect([r.status, r.json]).toEqual([400, serverErrorBody('invalid header: neon-connection-string')]);
  });

  it('bad connection strings', async () => {
    const cases: [string, string][] = [
      ['not a url', 'invalid connection string: relative URL without a base'],
      ['mysql://u:p@localhost/db', 'incorrect scheme'],
      ['postgresql://u:p@localhost', 'missing database name'],
      ['postgresql://u:p@localhost/', 'missing database name'],
      ['postgresql://localhost/db', 'missing username'],
      ['postgresql://u:p@localhost:port/db', 'invalid connection string: invalid port number'],
    ];
    for (const [value, message] of cases) {
      const r = await request({
        method: 'POST',
        body: '{"query":"select 1"}',
        headers: { 'Neon-Connection-String': value },
      });
      expect([r.status, r.json]).toEqual([400, serverErrorBody(message)]);
    }
  });

  it('wrong password: 400 with the upstream error', async () => {
    const { user } = credentials('scram');
    const r = await request({
      method: 'POST',
      body: '{"query":"select 1"}',
      headers: {
        'Neon-Connection-String': t.server.connectionString({
          user,
          password: 'not-the-password',
          database: 'postgres',
        }),
      },
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      ...serverErrorBody(`password authentication failed for user "${user}"`),
      code: '28P01',
      severity: 'FATAL',
      file: 'auth.c',
      line: expect.stringMatching(/^\d+$/),
      routine: 'auth_failed',
    });
  });

  it('a missing password for a role that needs one', async () => {
    const { user } = credentials('scram');
    const r = await sqlRequest('{"query":"select 1"}', {
      'Neon-Connection-String': t.server.connectionString({ user, database: 'postgres' }),
    });
    expect([r.status, r.json]).toEqual([
      400,
      serverErrorBody('missing authentication credentials: required password'),
    ]);
  });

  it('unknown database: 400 with 3D000', async () => {
    const { user, password } = credentials('scram');
    const r = await sqlRequest('{"query":"select 1"}', {
      'Neon-Connection-String': t.server.connectionString({ user, password, database: 'no_such_database' }),
    });
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      ...serverErrorBody('database "no_such_database" does not exist'),
      code: '3D000',
      severity: 'FATAL',
      file: 'postinit.c',
      line: expect.stringMatching(/^\d+$/),
      routine: 'InitPostgres',
    });
  });

  it('invalid isolation level, even on a single query', async () => {
    for (const body of ['{"query":"select 1"}', '{"queries":[]}']) {
      const r = await sqlRequest(body, { 'Neon-Batch-Isolation-Level': 'serializable' });
      expect(r.status).toBe(400);
      expect(r.text).toBe(
        '{"message":"invalid isolation level","code":"","detail":null,"hint":null,"position":null,' +
          '"internalPosition":null,"internalQuery":null,"severity":"","where":null,"table":null,"column":null,' +
          '"schema":null,"dataType":null,"constraint":null,"file":null,"line":null,"routine":null}',
      );
    }
  });

  it('unparsable bodies', async () => {
    const syntax = await sqlRequest('{"query": ');
    expect(syntax.status).toBe(400);
    expect(syntax.json.message).toMatch(/^could not parse the HTTP request body: /);
    expect({ ...syntax.json, message: '' }).toEqual(serverErrorBody(''));
    for (const body of [
      '{"sql":"select 1"}',
      '{"query": 1}',
      '{"query":"select 1","params":"x"}',
      '[]',
      '{"queries":[{"q":1}]}',
    ]) {
      const r = await sqlRequest(body);
      expect([r.status, r.json]).toEqual([
        400,
        serverErrorBody(
          'could not parse the HTTP request body: data did not match any variant of untagged enum Payload',
        ),
      ]);
    }
  });

  it('request body too large: 413', async () => {
    const body = JSON.stringify({ query: `select '${'x'.repeat(10 * 1024 * 1024)}'` });
    const r = await sqlRequest(body);
    expect([r.status, r.json]).toEqual([
      413,
      serverErrorBody('request is too large (max is 10485760 bytes)'),
    ]);
  });

  it('response too large: 507, for one big value and for many rows', async () => {
    for (const query of ["select repeat('x', 100000)", 'select g from generate_series(1, 1000000) g']) {
      const started = Date.now();
      const r = await sqlRequest(JSON.stringify({ query }));
      expect([r.status, r.json]).toEqual([
        507,
        serverErrorBody('response is too large (max is 65536 bytes)'),
      ]);
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it('methods other than POST and paths other than /sql: 400 "query is not supported"', async () => {
    for (const init of [
      { method: 'GET' },
      { method: 'PUT', body: '{}' },
      { method: 'DELETE' },
      { method: 'POST', body: '{}', path: '/' },
      { method: 'POST', body: '{}', path: '/sql/extra' },
      { method: 'GET', path: '/v2' },
    ]) {
      const r = await request(init);
      expect([r.status, r.text]).toEqual([400, '"query is not supported"']);
    }
  });

  it('the upstream is down: 500', async () => {
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise((resolve) => probe.close(resolve));
    const down = await startTestServer({ upstream: { host: '127.0.0.1', port } });
    try {
      const response = await fetch(down.server.sqlUrl, {
        method: 'POST',
        body: '{"query":"select 1"}',
        headers: { 'Neon-Connection-String': down.url('scram') },
      });
      expect(response.status).toBe(500);
      const json = await response.json();
      expect(json).toEqual({ ...serverErrorBody(json.message) });
      expect(json.message).toContain(`127.0.0.1:${port}`);
      const error = await neon(down.url('scram'))`select 1`.then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).toMatch(/^Server error \(HTTP status 500\): /);
    } finally {
      await down.server.close();
    }
  });
});

describe('CORS', () => {
  it('OPTIONS /sql answers the preflight, Neon-Batch-Deferrable included', async () => {
    const response = await fetch(t.server.sqlUrl, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'neon-connection-string, neon-batch-deferrable',
      },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('allow')).toBe('OPTIONS, POST');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-max-age')).toBe('86400');
    const allowed = response.headers.get('access-control-allow-headers')?.split(', ');
    expect(allowed).toEqual(
      expect.arrayContaining([
        'Authorization',
        'Neon-Connection-String',
        'Neon-Raw-Text-Output',
        'Neon-Array-Mode',
        'Neon-Pool-Opt-In',
        'Neon-Batch-Read-Only',
        'Neon-Batch-Isolation-Level',
        'Neon-Batch-Deferrable',
      ]),
    );
  });

  it('every response, success or error, carries Access-Control-Allow-Origin: *', async () => {
    // `request` asserts the header on each call above; here a success and a Postgres error.
    expect((await sqlRequest('{"query":"select 1"}')).status).toBe(200);
    expect((await sqlRequest('{"query":"select nope"}')).status).toBe(400);
  });
});
