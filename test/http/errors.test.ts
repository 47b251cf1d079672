/**
 * Bad input and failures: each must be a clear error of its documented class.
 *
 * | failure                                  | error                                                  |
 * | ---------------------------------------- | ------------------------------------------------------ |
 * | non-template call                        | UsageError, Neon's message                             |
 * | bad connection string / parameters       | NeonDbError, 1.2.0's messages, at query time           |
 * | unserialisable parameter                 | ParameterError (core), before any request              |
 * | auth token function throws               | NeonDbError `Error getting auth token: …`              |
 * | fetch rejects / server unreachable       | NeonDbError `Error connecting to database: …` + sourceError |
 * | non-2xx                                  | NeonDbError (400: Postgres fields; else `Server error (HTTP status N): …`) |
 * | 2xx that is not the expected JSON        | NeonDbError                                            |
 * | our `signal` aborts                      | AbortError (TimeoutError for AbortSignal.timeout)      |
 * | `fetchOptions.signal` aborts             | NeonDbError `Error connecting to database: AbortError…` (Neon's) |
 * | no fetch available                       | ConfigError                                            |
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AbortError, ConfigError, ParameterError, TimeoutError, UsageError } from '../../src/core/errors.js';
import { NeonDbError, neon, neonConfig } from '../../src/http/index.js';
import { jsonResponse } from './helpers/sql-endpoint.js';

const URL = 'postgresql://alice:pw@ep-a-1.us-east-2.aws.neon.tech/neondb';

let server: Server;
let endpoint: string;
let requests = 0;

beforeAll(async () => {
  // Answers nothing, ever: the hanging server. Paths under /slow-body send headers, then stall.
  server = createServer((req, res) => {
    requests++;
    if (req.url?.startsWith('/slow-body')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"fields":[');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  neonConfig.fetchFunction = undefined;
  neonConfig.fetchEndpoint = undefined as unknown as string;
});

async function rejection(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('bad input', () => {
  it('a non-template call throws synchronously with Neon’s message', () => {
    const sql = neon(URL) as unknown as (...args: unknown[]) => unknown;
    for (const args of [
      ['SELECT 1'],
      ['SELECT $1', [1]],
      [['SELECT 1']],
      [Object.assign(['x'], { raw: 'x' })],
    ]) {
      let thrown: unknown;
      try {
        sql(...args);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UsageError);
      expect((thrown as Error).message).toMatch(
        /^This function can now be called only as a tagged-template function/,
      );
    }
  });

  it('bad connection strings fail when a query runs, with 1.2.0’s messages', async () => {
    let fetched = 0;
    neonConfig.fetchFunction = async () => {
      fetched++;
      return jsonResponse({});
    };
    const invalid = (given: string) =>
      `Database connection string provided to neon() is not a valid URL (connection string: ${given})`;
    const incomplete = 'Wrong URL scheme or missing user, host or database in connection parameters';
    const cases: [unknown[], string][] = [
      [[undefined], incomplete],
      [[''], invalid('')],
      [['not a url'], invalid('not a url')],
      [['mysql://u:p@h/db'], incomplete],
      [['postgresql://h/db'], incomplete],
      [['postgresql://u:p@h'], incomplete],
      [['postgresql://u:p@h/'], incomplete],
      [[{}], incomplete],
      [[{ connectionString: 42 }], 'Connection string must be a string or a function resolving to one'],
      [[URL, { user: 'a', username: 'b' }], 'Please specify one only of user and username'],
      [[URL, { host: 'a', hostname: 'b' }], 'Please specify one only of host and hostname'],
      [
        [URL, { port: true }],
        'Connection parameter "port" must be a string or a number or a function resolving to one',
      ],
      [
        [URL, { password: async () => 42 }],
        'Connection parameter "password" must be a string or a function resolving to one',
      ],
    ];
    for (const [args, message] of cases) {
      const sql = (neon as (...a: unknown[]) => ReturnType<typeof neon>)(...args); // never throws
      const error = await rejection(() => sql`SELECT 1`);
      expect(error, JSON.stringify(args)).toBeInstanceOf(NeonDbError);
      expect(error.message).toBe(message);
    }
    expect(fetched).toBe(0);
  });

  it('a parameter that cannot be sent is a ParameterError, before any request', async () => {
    let fetched = 0;
    neonConfig.fetchFunction = async () => {
      fetched++;
      return jsonResponse({});
    };
    const sql = neon(URL);
    expect(await rejection(() => sql`SELECT ${new Date(Number.NaN)}`)).toBeInstanceOf(ParameterError);
    expect(await rejection(() => sql`SELECT ${() => 1}`)).toBeInstanceOf(ParameterError);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(await rejection(() => sql.query('SELECT $1', [cyclic]))).toBeInstanceOf(ParameterError);
    expect(fetched).toBe(0);
  });

  it('an auth token function that throws or rejects', async () => {
    neonConfig.fetchFunction = async () => jsonResponse({});
    const fail = neon(URL, {
      authToken: () => {
        throw new Error('vault sealed');
      },
    });
    const error = await rejection(() => fail`SELECT 1`);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error.message).toBe('Error getting auth token: vault sealed');
    const rejectString = neon(URL, { authToken: () => Promise.reject('nope') });
    expect((await rejection(() => rejectString`SELECT 1`)).message).toBe('Error getting auth token.');
  });

  it('no fetch at all is a ConfigError', async () => {
    const saved = globalThis.fetch;
    // @ts-expect-error simulating a runtime without fetch
    globalThis.fetch = undefined;
    try {
      expect(await rejection(() => neon(URL)`SELECT 1`)).toBeInstanceOf(ConfigError);
    } finally {
      globalThis.fetch = saved;
    }
  });
});

describe('bad responses', () => {
  it('a server that is not there: Error connecting to database, with the fetch error as sourceError', async () => {
    neonConfig.fetchEndpoint = 'http://127.0.0.1:1/sql';
    const error = (await rejection(() => neon(URL)`SELECT 1`)) as NeonDbError;
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error.message).toMatch(/^Error connecting to database: TypeError: fetch failed/);
    expect(error.sourceError).toBeInstanceOf(TypeError);
  });

  it('non-2xx statuses', async () => {
    neonConfig.fetchFunction = async () => new Response('bad gateway', { status: 502 });
    const error = (await rejection(() => neon(URL)`SELECT 1`)) as NeonDbError;
    expect(error.message).toBe('Server error (HTTP status 502): bad gateway');
    expect(error.code).toBeUndefined();
    neonConfig.fetchFunction = async () =>
      jsonResponse(
        { message: "password authentication failed for user 'alice'", code: '', detail: null, severity: '' },
        400,
      );
    const auth = (await rejection(() => neon(URL)`SELECT 1`)) as NeonDbError;
    expect(auth.message).toBe("password authentication failed for user 'alice'");
    expect(auth.code).toBe('');
    expect(auth.detail).toBeUndefined();
    expect(Object.keys(auth)).toContain('routine');
  });

  it('2xx bodies that are not what a query returns', async () => {
    const cases: [Response, string][] = [
      [
        new Response('{"fields":[', { status: 200 }),
        'Server error (HTTP status 200): the response is not JSON: {"fields":[',
      ],
      [jsonResponse(null), 'Neon internal error: unexpected result format'],
      [jsonResponse({ fields: [], rows: 'x' }), 'Neon internal error: unexpected result format'],
    ];
    for (const [response, message] of cases) {
      neonConfig.fetchFunction = async () => response;
      const error = await rejection(() => neon(URL)`SELECT 1`);
      expect(error).toBeInstanceOf(NeonDbError);
      expect(error.message).toBe(message);
    }
    neonConfig.fetchFunction = async () => jsonResponse({ results: 'nope' });
    const sql = neon(URL);
    expect((await rejection(() => sql.transaction([sql`SELECT 1`]))).message).toBe(
      'Neon internal error: unexpected result format',
    );
    const long = 'x'.repeat(1000);
    neonConfig.fetchFunction = async () => new Response(long, { status: 200 });
    expect((await rejection(() => neon(URL)`SELECT 1`)).message).toBe(
      `Server error (HTTP status 200): the response is not JSON: ${'x'.repeat(200)}…`,
    );
  });
});

describe('a server that hangs', () => {
  it('our signal option aborts with an AbortError', async () => {
    neonConfig.fetchEndpoint = `${endpoint}/sql`;
    const controller = new AbortController();
    const sql = neon(URL, { signal: controller.signal });
    const pending = rejection(() => sql`SELECT 1`);
    setTimeout(() => controller.abort(new Error('user went away')), 50);
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).code).toBe('EDGEPG_ABORTED');
    expect(error.message).toBe('Query aborted: user went away');
  });

  it('AbortSignal.timeout gives a TimeoutError; an already-aborted signal sends nothing', async () => {
    neonConfig.fetchEndpoint = `${endpoint}/sql`;
    const error = await rejection(() => neon(URL).query('SELECT 1', [], { signal: AbortSignal.timeout(50) }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('EDGEPG_TIMEOUT');
    const before = requests;
    const aborted = await rejection(() => neon(URL, { signal: AbortSignal.abort() })`SELECT 1`);
    expect(aborted).toBeInstanceOf(AbortError);
    expect(requests).toBe(before);
  });

  it('our signal also aborts while the body is being read', async () => {
    neonConfig.fetchEndpoint = `${endpoint}/slow-body`;
    const error = await rejection(() => neon(URL, { signal: AbortSignal.timeout(100) })`SELECT 1`);
    expect(error).toBeInstanceOf(TimeoutError);
  });

  it('fetchOptions.signal aborts with Neon’s error', async () => {
    neonConfig.fetchEndpoint = `${endpoint}/sql`;
    const controller = new AbortController();
    const pending = rejection(() => neon(URL, { fetchOptions: { signal: controller.signal } })`SELECT 1`);
    setTimeout(() => controller.abort(), 50);
    const error = (await pending) as NeonDbError;
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error.message).toBe('Error connecting to database: AbortError: This operation was aborted');
    expect(error.sourceError?.name).toBe('AbortError');
  });

  it('both signals together: whichever fires first aborts the request', async () => {
    neonConfig.fetchEndpoint = `${endpoint}/sql`;
    const ours = new AbortController();
    const theirs = new AbortController();
    const pending = rejection(
      () => neon(URL, { signal: ours.signal, fetchOptions: { signal: theirs.signal } })`SELECT 1`,
    );
    setTimeout(() => theirs.abort(), 30);
    const error = await pending;
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error.message).toMatch(/^Error connecting to database: AbortError/);
  });
});
