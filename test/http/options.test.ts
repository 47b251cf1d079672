/**
 * Options: precedence across neon() / transaction() / query, neonConfig (read at query time,
 * overridable per instance), connection caching, and the additions: retry, signal, timings.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultFetchEndpoint } from '../../src/core/neon-config.js';
import { types as globalTypes, TypeOverrides } from '../../src/core/types.js';
import { type FullQueryResults, NeonDbError, neon, neonConfig } from '../../src/http/index.js';
import { requestOptions } from '../../src/http/options.js';
import { isConnectFailure } from '../../src/http/transport.js';
import { type CapturedRequest, capture, jsonResponse } from './helpers/sql-endpoint.js';

const URL = 'postgresql://u:p@ep-a-1.aws.neon.tech/db';
const result = (value = '1') => ({
  fields: [
    {
      name: 'n',
      dataTypeID: 23,
      tableID: 0,
      columnID: 0,
      dataTypeSize: 4,
      dataTypeModifier: -1,
      format: 'text',
    },
  ],
  rows: [[value]],
  command: 'SELECT',
  rowCount: 1,
  rowAsArray: true,
});

/** Answers a transaction with `{results: [one result per query]}`, a single query with one result. */
const answerShape = (request: CapturedRequest) => {
  const queries = (request.body as { queries?: unknown[] }).queries;
  return jsonResponse(queries ? { results: queries.map(() => result()) } : result());
};

function recording(answer: (request: CapturedRequest, n: number) => Response | Promise<Response>) {
  const log: CapturedRequest[] = [];
  const fetchFunction = vi.fn(async (url: string, init: Record<string, unknown>) => {
    log.push(capture(url, init));
    return answer(log.at(-1)!, log.length);
  });
  return { log, fetchFunction };
}

afterEach(() => {
  neonConfig.fetchFunction = undefined;
  neonConfig.fetchEndpoint = undefined as unknown as string;
  neonConfig.disableWarningInBrowsers = undefined as unknown as boolean;
});

describe('precedence of options', () => {
  it('request-wide options: query > transaction > neon()', () => {
    const neonLevel = {
      authToken: 'n',
      retry: true,
      timings: false,
      fetchOptions: { a: 1, b: 1 },
      arrayMode: true,
    };
    expect(requestOptions(neonLevel, undefined, undefined)).toMatchObject({
      authToken: 'n',
      arrayMode: true,
    });
    const tx = { authToken: 't', fetchOptions: { b: 2 }, arrayMode: false, readOnly: true };
    const q = { authToken: 'q', fetchOptions: { c: 3 }, arrayMode: true, readOnly: false } as never;
    const merged = requestOptions(neonLevel, tx, q);
    expect(merged).toMatchObject({
      authToken: 'q',
      retry: true,
      readOnly: true,
      fetchOptions: { a: 1, b: 2, c: 3 },
    });
    // A query's arrayMode is decided per result (resultOptions), not here.
    expect(merged.arrayMode).toBe(false);
  });

  it('per-result modes and types inside a transaction: query > transaction > neon()', async () => {
    const { fetchFunction } = recording(answerShape);
    const neonTypes = { getTypeParser: () => (v: string) => `neon:${v}` };
    const txTypes = { getTypeParser: () => (v: string) => `tx:${v}` };
    const qTypes = { getTypeParser: () => (v: string) => `q:${v}` };
    const sql = neon(URL, { types: neonTypes, fetchFunction, arrayMode: true });
    const out = await sql.transaction(
      [
        sql.query('SELECT 1', [], { types: qTypes, arrayMode: false }),
        sql`SELECT 1`,
        sql.query('SELECT 1', [], { fullResults: true }),
      ],
      { types: txTypes },
    );
    expect(out[0]).toEqual([{ n: 'q:1' }]);
    expect(out[1]).toEqual([['tx:1']]);
    expect((out[2] as unknown as FullQueryResults<true>).rows).toEqual([['tx:1']]);
    expect(await sql`SELECT 1`).toEqual([['neon:1']]);
  });

  it('fetchEndpoint / fetchFunction on neon() win over neonConfig, which is read when the query runs', async () => {
    const global = recording(() => jsonResponse(result()));
    const local = recording(() => jsonResponse(result()));
    const sql = neon(URL);
    const pinned = neon(URL, { fetchFunction: local.fetchFunction, fetchEndpoint: 'http://pinned/sql' });
    // Set after neon() was called: still used (Neon's contract).
    neonConfig.fetchFunction = global.fetchFunction;
    neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port || 5432}/custom`;
    await sql`SELECT 1`;
    await pinned`SELECT 1`;
    expect(global.log.map((r) => r.url)).toEqual(['http://ep-a-1.aws.neon.tech:5432/custom']);
    expect(local.log.map((r) => r.url)).toEqual(['http://pinned/sql']);
    // A query can choose its own too.
    await sql.query('SELECT 1', [], { fetchEndpoint: 'http://per-query/sql' });
    expect(global.log.at(-1)?.url).toBe('http://per-query/sql');
  });

  it('calls fetchFunction unbound, as browsers’ fetch requires (any other receiver: Illegal invocation)', async () => {
    let receiver: unknown = 'not called';
    const sql = neon(URL, {
      fetchFunction(this: unknown) {
        receiver = this;
        return jsonResponse(result());
      },
    });
    await sql`select 1`;
    expect(receiver).toBeUndefined();
  });

  it('neonConfig: Neon’s defaults/opts tables, undefined restoring a default, deprecated fetchConnectionCache', () => {
    expect(neonConfig.fetchEndpoint).toBe(defaultFetchEndpoint);
    neonConfig.fetchEndpoint = 'http://x/sql';
    expect(neonConfig.opts.fetchEndpoint).toBe('http://x/sql');
    expect(neonConfig.defaults.fetchEndpoint).toBe(defaultFetchEndpoint);
    neonConfig.fetchEndpoint = undefined as unknown as string;
    expect(neonConfig.fetchEndpoint).toBe(defaultFetchEndpoint);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    neonConfig.fetchConnectionCache = false;
    expect(neonConfig.fetchConnectionCache).toBe(true);
    expect(warn).toHaveBeenCalledWith('The `fetchConnectionCache` option is deprecated (now always `true`)');
    warn.mockRestore();
    expect(Object.keys(neonConfig)).toEqual(
      expect.arrayContaining([
        'fetchEndpoint',
        'fetchFunction',
        'poolQueryViaFetch',
        'disableWarningInBrowsers',
      ]),
    );
  });

  it('the default endpoint replaces the first DNS label, apiauth. with a token, ignoring the port', () => {
    expect(defaultFetchEndpoint('ep-abc-123.us-east-2.aws.neon.tech', '5432')).toBe(
      'https://api.us-east-2.aws.neon.tech/sql',
    );
    expect(defaultFetchEndpoint('ep-abc-123.us-east-2.aws.neon.tech', '', { jwtAuth: true })).toBe(
      'https://apiauth.us-east-2.aws.neon.tech/sql',
    );
    expect(defaultFetchEndpoint('localhost', '')).toBe('https://localhost/sql');
  });

  it('the browser warning: per query, unless disabled on neon() or neonConfig', async () => {
    const { fetchFunction } = recording(() => jsonResponse(result()));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const g = globalThis as { window?: unknown; document?: unknown };
    g.window = {};
    g.document = {};
    try {
      await neon(URL, { fetchFunction })`SELECT 1`;
      await neon(URL, { fetchFunction })`SELECT 1`;
      expect(warn).toHaveBeenCalledTimes(2);
      await neon(URL, { fetchFunction, disableWarningInBrowsers: true })`SELECT 1`;
      neonConfig.disableWarningInBrowsers = true;
      await neon(URL, { fetchFunction })`SELECT 1`;
      expect(warn).toHaveBeenCalledTimes(2);
    } finally {
      delete g.window;
      delete g.document;
      warn.mockRestore();
    }
  });
});

describe('connection parameters', () => {
  it('are resolved once per instance when static, on every query when functions', async () => {
    const { log, fetchFunction } = recording(() => jsonResponse(result()));
    let calls = 0;
    const password = () => `pw${++calls}`;
    const dynamic = neon('postgresql://u@ep-a-1.aws.neon.tech/db', { password, fetchFunction });
    await dynamic`SELECT 1`;
    await dynamic`SELECT 1`;
    expect(log.map((r) => r.headers['neon-connection-string'].split('@')[0])).toEqual([
      'postgresql://u:pw1',
      'postgresql://u:pw2',
    ]);
  });

  it('a per-query connectionString replaces the instance parameters', async () => {
    const { log, fetchFunction } = recording(() => jsonResponse(result()));
    const sql = neon('postgresql://u@ep-a-1.aws.neon.tech/db', { password: 'instance', fetchFunction });
    await sql.query('SELECT 1', [], { connectionString: 'postgresql://v:w@other.host/db2' });
    await sql.query('SELECT 1', [], { password: 'query' });
    await sql`SELECT 1`;
    expect(log.map((r) => r.headers['neon-connection-string'].replace(/\?.*/, ''))).toEqual([
      'postgresql://v:w@other.host/db2',
      'postgresql://u:query@ep-a-1.aws.neon.tech/db',
      'postgresql://u:instance@ep-a-1.aws.neon.tech/db',
    ]);
  });

  it('the options object is snapshotted when neon() is called', async () => {
    const { log, fetchFunction } = recording(() => jsonResponse(result()));
    const options = { arrayMode: false, password: 'a', fetchFunction };
    const sql = neon('postgresql://u@h.tech/db', options);
    options.arrayMode = true;
    options.password = 'b';
    expect(await sql`SELECT 1`).toEqual([{ n: 1 }]);
    expect(log[0].headers['neon-connection-string']).toMatch(/^postgresql:\/\/u:a@/);
  });
});

describe('results', () => {
  it('fullResults: the server object plus viaNeonFetch, _parsers and _types (a TypeOverrides)', async () => {
    const { fetchFunction } = recording(() => jsonResponse({ ...result(), extra: 'kept' }));
    const full = (await neon(URL, {
      fullResults: true,
      fetchFunction,
    })`SELECT 1`) as FullQueryResults<false> & Record<string, unknown>;
    expect(Object.keys(full)).toEqual([
      'fields',
      'rows',
      'command',
      'rowCount',
      'rowAsArray',
      'extra',
      'viaNeonFetch',
      '_parsers',
      '_types',
    ]);
    expect(full.rows).toEqual([{ n: 1 }]);
    expect(full.rowAsArray).toBe(false);
    expect(full._types).toBeInstanceOf(TypeOverrides);
    expect((full._types as TypeOverrides)._types).toBe(globalTypes);
    expect(full._parsers).toEqual([globalTypes.getTypeParser(23, 'text')]);
  });

  it('object rows follow Object.fromEntries: repeated names keep the last value, __proto__ is an own key', async () => {
    const fields = ['a', 'b', 'a', '__proto__'].map((name) => ({
      ...result().fields[0],
      name,
      dataTypeID: 25,
    }));
    const { fetchFunction } = recording(() =>
      jsonResponse({ ...result(), fields, rows: [['1', '2', '3', '4']] }),
    );
    const [row] = (await neon(URL, { fetchFunction })`SELECT`) as Record<string, unknown>[];
    expect(Object.keys(row)).toEqual(['a', 'b', '__proto__']);
    expect(row.a).toBe('3');
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe('4');
  });

  it('timings, when asked for with fullResults', async () => {
    const { fetchFunction } = recording(answerShape);
    const sql = neon(URL, { fullResults: true, timings: true, fetchFunction });
    const [a, b] = await sql.transaction([sql`SELECT 1`, sql`SELECT 1`]);
    expect(a.timings).toBe(b.timings);
    const t = a.timings!;
    expect(t.attempts).toBe(1);
    expect(0 <= t.requestSent && t.requestSent <= t.responseHeaders).toBe(true);
    expect(t.responseHeaders <= t.responseBody && t.responseBody <= t.rowsParsed).toBe(true);
    expect('timings' in (await neon(URL, { fullResults: true, fetchFunction })`SELECT 1`)).toBe(false);
  });
});

describe('retry (opt-in)', () => {
  const refused = () =>
    Object.assign(new TypeError('fetch failed'), {
      cause: new AggregateError([Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })]),
    });
  const reset = () =>
    Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
  const fast = { baseDelayMs: 1, maxDelayMs: 5 };

  it('classifies connect failures (cause chains and AggregateErrors)', () => {
    expect(isConnectFailure(refused())).toBe(true);
    expect(isConnectFailure(reset())).toBe(false);
    expect(isConnectFailure(new TypeError('Failed to fetch'))).toBe(false);
    expect(isConnectFailure({ cause: { cause: { code: 'ENOTFOUND' } } })).toBe(true);
  });

  it('is off by default', async () => {
    const { log, fetchFunction } = recording(() => new Response('busy', { status: 503 }));
    await expect(neon(URL, { fetchFunction })`SELECT 1`).rejects.toThrow(
      'Server error (HTTP status 503): busy',
    );
    expect(log).toHaveLength(1);
  });

  it('retries connection failures and 429/502/503, then succeeds', async () => {
    const answers = [
      () => {
        throw refused();
      },
      () => new Response('', { status: 429, headers: { 'retry-after': '0' } }),
      () => new Response('', { status: 502 }),
      () => new Response('', { status: 503 }),
      () => jsonResponse(result('7')),
    ];
    const { log, fetchFunction } = recording((_, n) => answers[n - 1]());
    const rows = await neon(URL, {
      fetchFunction,
      retry: { ...fast, maxAttempts: 5 },
      fullResults: true,
      timings: true,
    })`SELECT 1`;
    expect(rows.rows).toEqual([{ n: 7 }]);
    expect(rows.timings?.attempts).toBe(5);
    expect(log).toHaveLength(5);
    expect(new Set(log.map((r) => JSON.stringify(r.body))).size).toBe(1);
  });

  it('stops after maxAttempts with the last error', async () => {
    const { log, fetchFunction } = recording(() => new Response('still busy', { status: 503 }));
    await expect(neon(URL, { fetchFunction, retry: fast })`SELECT 1`).rejects.toThrow(
      'Server error (HTTP status 503): still busy',
    );
    expect(log).toHaveLength(3);
  });

  it('never retries what may have run, unless the query is marked idempotent', async () => {
    const failing = () => {
      throw reset();
    };
    const a = recording(failing);
    const error = await neon(URL, { fetchFunction: a.fetchFunction, retry: fast })`SELECT 1`.catch((e) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error.message).toBe('Error connecting to database: TypeError: fetch failed');
    expect(a.log).toHaveLength(1);
    for (const status of [500, 504]) {
      const b = recording(() => new Response('', { status }));
      await neon(URL, { fetchFunction: b.fetchFunction, retry: fast })`SELECT 1`.catch(() => {});
      expect(b.log).toHaveLength(1);
    }
    const c = recording((_, n) => (n < 3 ? failing() : jsonResponse(result())));
    const sql = neon(URL, { fetchFunction: c.fetchFunction });
    expect(await sql.query('SELECT 1', [], { retry: { ...fast, idempotent: true } })).toEqual([{ n: 1 }]);
    expect(c.log).toHaveLength(3);
    const d = recording((_, n) =>
      n < 2 ? new Response('', { status: 504 }) : jsonResponse({ results: [] }),
    );
    expect(
      await neon(URL, { fetchFunction: d.fetchFunction }).transaction([], {
        retry: { ...fast, idempotent: true },
      }),
    ).toEqual([]);
    expect(d.log).toHaveLength(2);
  });

  it('a Postgres error (400) is never retried', async () => {
    const { log, fetchFunction } = recording(() => jsonResponse({ message: 'boom', code: '40001' }, 400));
    await expect(
      neon(URL, { fetchFunction, retry: { ...fast, idempotent: true } })`SELECT 1`,
    ).rejects.toThrow('boom');
    expect(log).toHaveLength(1);
  });

  it('honours Retry-After (capped by maxDelayMs) and the signal while waiting', async () => {
    const { log, fetchFunction } = recording(
      () => new Response('', { status: 503, headers: { 'retry-after': '30' } }),
    );
    const started = Date.now();
    await neon(URL, { fetchFunction, retry: { maxAttempts: 2, maxDelayMs: 50 } })`SELECT 1`.catch(() => {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(log).toHaveLength(2);
    const controller = new AbortController();
    const pending = neon(URL, {
      fetchFunction,
      retry: { maxAttempts: 5, maxDelayMs: 10_000 },
      signal: controller.signal,
    })`SELECT 1`;
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'EDGEPG_ABORTED' });
  });
});
