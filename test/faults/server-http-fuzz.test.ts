/**
 * Issue #11, bad input over HTTP: random requests to the local server — methods, paths, header
 * sets (the Neon-* headers with random and huge values), bodies (random bytes, truncated, huge
 * and deeply nested JSON, wrong types in `params`, `queries` that is not an array).
 *
 * Invariants, for every request:
 * - it gets a response within REQUEST_TIMEOUT_MS (no hang, no connection cut without an answer);
 * - no 500 (the only documented 500s are upstream failures, which a healthy upstream never has);
 * - every 4xx has a JSON body: an object with a string `message` (or Neon's documented
 *   `"query is not supported"` string for anything that is not `/sql`);
 * - the password of the connection string never appears in a response body or a server log line;
 * and after every property run the server still answers a valid query.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/helpers.js';
import { credentials, pgInfo } from '../setup/pg.js';
import { recordReliability, watchUnhandled } from '../support/reliability-log.js';

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_REQUEST_BYTES = 64 * 1024;
const RUNS = 300;

let t: TestServer;
const unhandled = watchUnhandled();
let cases = 0;
let failures = 0;
/** Every password marker used in a connection string, checked against bodies and logs. */
const secrets = new Set<string>();

beforeAll(async () => {
  t = await startTestServer({ maxRequestBytes: MAX_REQUEST_BYTES, pool: { maxConnectionsPerKey: 4 } });
});
afterEach(({ task }) => {
  if (task.result?.state === 'fail') failures++;
});
afterAll(async () => {
  await t.server.close();
  unhandled.stop();
  recordReliability({
    type: 'suite',
    suite: 'server-http-fuzz',
    kind: 'fuzz',
    cases,
    failures,
    unhandled: unhandled.count,
  });
});

interface Reply {
  status: number;
  body: string;
}

/** One request on its own connection; rejects on a timeout or a connection closed without an answer. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Uint8Array,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: t.server.port, method, path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no response to ${method} ${path} within ${REQUEST_TIMEOUT_MS} ms`));
    }, REQUEST_TIMEOUT_MS);
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${method} ${path}: connection failed without a response: ${e.message}`));
    });
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

function validUrl(): string {
  return t.url('superuser');
}

/** A connection string whose password is a fresh marker, so a leak is unmistakable. */
const markedUrl = fc
  .record({
    marker: fc.stringMatching(/^[a-z0-9]{12}$/).map((s) => `pw${s}`),
    user: fc.constantFrom(credentials('superuser').user, 'nobody', 'x y', 'ü'),
    database: fc.constantFrom(pgInfo().database, 'nodb', 'a%20b'),
    extra: fc.constantFrom('', '?sslmode=require', '?application_name=fuzz', '?options=-c%20x%3D1'),
    scheme: fc.constantFrom('postgresql', 'postgres', 'POSTGRES', 'http', 'mysql'),
    host: fc.constantFrom('localhost', '127.0.0.1', 'ep-x.neon.tech', '[::1]', 'localhost:99999'),
  })
  .map((p) => {
    secrets.add(p.marker);
    return `${p.scheme}://${encodeURIComponent(p.user)}:${p.marker}@${p.host}/${p.database}${p.extra}`;
  });

/** Header values Node's client can send: no control characters. */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const flag = fc.oneof(fc.constantFrom('true', 'false', 'TRUE', '1', ''), headerText(20));

const connectionHeader = fc.oneof(
  { weight: 4, arbitrary: fc.constant('valid') },
  { weight: 3, arbitrary: markedUrl },
  { weight: 1, arbitrary: headerText(80) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1_000, max: 40_000 }).map((n) => `postgresql://u:p@h/${'d'.repeat(n)}`),
  },
);

const headersArb = fc
  .record(
    {
      'neon-connection-string': connectionHeader,
      'neon-raw-text-output': flag,
      'neon-array-mode': flag,
      'neon-batch-isolation-level': fc.oneof(
        fc.constantFrom('Serializable', 'ReadCommitted', 'RepeatableRead', 'ReadUncommitted', 'serializable'),
        headerText(30),
      ),
      'neon-batch-read-only': flag,
      'neon-batch-deferrable': flag,
      'neon-pool-opt-in': flag,
      'content-type': fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        '',
      ),
      'x-junk': fc.integer({ min: 0, max: 30_000 }).map((n) => 'j'.repeat(n)),
      origin: fc.constantFrom('http://localhost:3000', 'https://evil.example', 'null', 'not a url'),
      host: fc.constantFrom('localhost', 'evil.example', '127.0.0.1:1', '[::1]', '::::'),
    },
    { requiredKeys: [] },
  )
  .map((h) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) {
      if (v === undefined) continue;
      out[k] = k === 'neon-connection-string' && v === 'valid' ? validUrl() : v;
    }
    return out;
  });

const queryText = fc.oneof(
  fc.constantFrom(
    'select 1 as one',
    'select $1::text as v',
    'select $1::int as v',
    'select $1::int[] as v',
    'select $1::jsonb as v',
    'select $1, $2',
    'select',
    'begin',
    'select 1; select 2',
    'select 1\u0000select 2',
    'select $1::text\u0000\u0000\u0000\u0001',
  ),
  fc.string({ maxLength: 40 }),
);

/** Values for `params`, wrong types included. */
const param: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.integer(),
    fc.string({ maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 10 }),
    fc.constant('\u0000'),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), tie('value'), { maxKeys: 3 }),
  ),
})).value;

const singleQuery = fc.record(
  {
    query: fc.oneof(
      { weight: 5, arbitrary: queryText },
      fc.integer(),
      fc.constant(null),
      fc.array(fc.string()),
    ),
    params: fc.oneof(fc.array(param, { maxLength: 4 }), param),
    arrayMode: fc.oneof(fc.boolean(), fc.constant(null), fc.string({ maxLength: 3 })),
    junk: param,
  },
  { requiredKeys: ['query'] },
);

function nested(depth: number, open: string, close: string, inner: string): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

const bodyArb: fc.Arbitrary<Uint8Array | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.uint8Array({ maxLength: 200 }),
  singleQuery.map((q) => JSON.stringify(q)).map(enc),
  fc
    .record({ queries: fc.oneof(fc.array(singleQuery, { maxLength: 3 }), param) })
    .map((q) => enc(JSON.stringify(q))),
  fc.tuple(singleQuery, fc.nat()).map(([q, cut]) => {
    const text = JSON.stringify(q);
    return enc(text.slice(0, cut % Math.max(1, text.length)));
  }),
  fc
    .integer({ min: 1, max: 20_000 })
    .map((d) => enc(`{"query":"select $1","params":[${nested(d, '[', ']', '1')}]}`)),
  fc
    .integer({ min: 1, max: 10_000 })
    .map((d) => enc(`{"query":"select $1::text","params":[${nested(d, '{"a":', '}', '1')}]}`)),
  fc
    .integer({ min: 1, max: 20_000 })
    .map((d) => enc(`{"queries":[{"query":"select $1","params":${nested(d, '[', ']', '')}}]}`)),
  fc.integer({ min: 1, max: 30_000 }).map((d) => enc(nested(d, '{"a":', '}', '0'))),
  fc
    .integer({ min: MAX_REQUEST_BYTES - 100, max: MAX_REQUEST_BYTES * 3 })
    .map((n) => enc(`{"query":"select $1::text as v","params":["${'x'.repeat(n)}"]}`)),
);

function enc(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

const requestArb = fc.record({
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant('POST') },
    fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'FOO', 'PROPFIND'),
  ),
  path: fc.oneof(
    { weight: 6, arbitrary: fc.constant('/sql') },
    fc.constantFrom('/', '/sql?x=1', '/SQL', '/sql/', '//sql', '/v2', '/sql#frag', `/${'a'.repeat(9000)}`),
    fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
  ),
  headers: headersArb,
  body: bodyArb,
});

type Req = typeof requestArb extends fc.Arbitrary<infer R> ? R : never;

const UPSTREAM_500 = /^(53|57|58|XX)/;

function check(r: Req, reply: Reply): void {
  const where = `${r.method} ${r.path.slice(0, 60)} -> ${reply.status} ${reply.body.slice(0, 300)}`;
  expect(reply.status, where).toBeGreaterThanOrEqual(100);
  if (reply.status >= 500) {
    // Only an upstream failure may be a 500, and it has the 17-key shape with Postgres' code.
    const parsed = JSON.parse(reply.body) as { message?: unknown; code?: unknown };
    expect(typeof parsed.message, where).toBe('string');
    expect(String(parsed.code), `500 not caused by the upstream: ${where}`).toMatch(UPSTREAM_500);
  }
  if (reply.status >= 400 && reply.status < 500 && r.method !== 'HEAD') {
    let parsed: unknown;
    expect(() => {
      parsed = JSON.parse(reply.body);
    }, `4xx body is not JSON: ${where}`).not.toThrow();
    if (typeof parsed === 'string') {
      expect(parsed, where).toBe('query is not supported');
    } else {
      expect(typeof (parsed as { message?: unknown }).message, where).toBe('string');
    }
  }
  for (const secret of secrets) {
    expect(reply.body.includes(secret), `password in a response: ${where}`).toBe(false);
  }
}

async function serverStillWorks(): Promise<void> {
  const reply = await send(
    'POST',
    '/sql',
    { 'neon-connection-string': validUrl(), 'content-type': 'application/json' },
    enc(JSON.stringify({ query: 'select $1::text as v', params: ['alive'] })),
  );
  expect(reply.status).toBe(200);
  expect(JSON.parse(reply.body).rows).toEqual([{ v: 'alive' }]);
}

function noSecretsInLogs(): void {
  for (const line of t.logs) {
    for (const secret of secrets)
      expect(line.includes(secret), `password in a log line: ${line}`).toBe(false);
  }
}

async function runProperty(arb: fc.Arbitrary<Req>, numRuns: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (r) => {
      cases++;
      const reply = await send(r.method, r.path, r.headers, r.body);
      check(r, reply);
    }),
    { numRuns, seed, endOnFailure: true },
  );
  await serverStillWorks();
  noSecretsInLogs();
}

describe('random HTTP requests', () => {
  it('random methods, paths, headers and bodies', async () => {
    await runProperty(requestArb, RUNS);
  });

  it('POST /sql with a valid connection string and random bodies', async () => {
    const arb = fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/sql'),
      headers: fc.record({ raw: flag, array: flag }).map((h) => ({
        'neon-connection-string': validUrl(),
        'neon-raw-text-output': h.raw,
        'neon-array-mode': h.array,
      })),
      body: bodyArb,
    });
    await runProperty(arb, RUNS * 2);
  });

  it('POST /sql with marked passwords and valid bodies: the password never comes back', async () => {
    const arb = fc.record({
      method: fc.constant('POST'),
      path: fc.constant('/sql'),
      headers: markedUrl.map((url) => ({ 'neon-connection-string': url })),
      body: fc.constant(enc('{"query":"select 1"}')),
    });
    await runProperty(arb, 30);
  });

  // Fixed regressions: each found by the properties above.
  it('deeply nested params are a 400, not a 500', async () => {
    for (const body of [
      `{"query":"select $1","params":[${nested(20_000, '[', ']', '1')}]}`,
      `{"query":"select $1::text","params":[${nested(8_000, '{"a":', '}', '1')}]}`,
      `{"queries":[{"query":"select $1","params":[${nested(20_000, '[', ']', '')}]}]}`,
    ]) {
      cases++;
      const reply = await send('POST', '/sql', { 'neon-connection-string': validUrl() }, enc(body));
      expect(reply.status, reply.body.slice(0, 200)).toBe(400);
      expect(JSON.parse(reply.body).message).toMatch(/could not parse the HTTP request body/);
    }
    await serverStillWorks();
  });

  it('headers past the size limit get an answer, not a cut connection', async () => {
    cases++;
    const reply = await send('POST', '/sql', {
      'neon-connection-string': validUrl(),
      'x-junk': 'j'.repeat(40_000),
    });
    expect(reply.status).toBe(431);
    expect(typeof JSON.parse(reply.body).message).toBe('string');
    // HEAD: the same answer without a body (a body would be read as the next response).
    cases++;
    const head = await send('HEAD', '/sql', { 'x-junk': 'j'.repeat(40_000) });
    expect(head.status).toBe(431);
    expect(head.body).toBe('');
    await serverStillWorks();
  });

  it('a query text with a NUL byte is refused and the pool stays usable', async () => {
    for (let i = 0; i < 3; i++) {
      cases++;
      const reply = await send(
        'POST',
        '/sql',
        { 'neon-connection-string': validUrl() },
        enc(JSON.stringify({ query: 'select $1::text as v\u0000select 2', params: ['x'] })),
      );
      expect(reply.status, reply.body).toBe(400);
      expect(typeof JSON.parse(reply.body).message).toBe('string');
      await serverStillWorks();
    }
  });
});
