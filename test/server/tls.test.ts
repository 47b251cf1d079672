/**
 * TLS on the local server: HTTPS `/sql`, WSS, Postgres' SSLRequest upgrade and direct TLS on the
 * one port, with a self-signed certificate made by `openssl` at test time. Every client trusts
 * that certificate only through its own `ca`, so a handshake that is not really verified fails.
 * A TLS-only server refuses plain HTTP, WebSocket and Postgres clients with a clear message.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { inspect } from 'node:util';
import * as Neon from '@neondatabase/serverless';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { main } from '../../src/cli/main.js';
import { Client, type ClientConfig } from '../../src/client/client.js';
import { ConfigError } from '../../src/core/errors.js';
import { neonConfig } from '../../src/core/neon-config.js';
import { neon } from '../../src/http/index.js';
import { neonConfigLines } from '../../src/server/dev.js';
import { resolveOptions } from '../../src/server/options.js';
import { type LocalServer, startServer } from '../../src/server/server.js';
import { credentials, pgInfo } from '../setup/pg.js';
import { startTestServer, type TestServer } from './helpers.js';

interface Certificate {
  cert: string;
  key: string;
  certFile: string;
  keyFile: string;
}

/** A self-signed certificate for localhost and 127.0.0.1 (its own CA). */
function makeCertificate(dir: string, name: string): Certificate {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=edgepg test ${name}`,
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'pipe' },
    );
  } catch (error) {
    throw new Error(`the TLS tests need the openssl command to make a certificate: ${String(error)}`);
  }
  return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), certFile, keyFile };
}

/** fetch over node:https that trusts `ca` only: neon()'s `fetchFunction`. */
function trustingFetch(ca: string): typeof fetch {
  return ((input: string | URL, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const req = httpsRequest(String(input), { method: init.method ?? 'GET', headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (typeof value === 'string') responseHeaders.set(name, value);
          }
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode, headers: responseHeaders }));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(typeof init.body === 'string' ? init.body : undefined);
    })) as typeof fetch;
}

/** The `ws` WebSocket with `ca` trusted, as a `webSocketConstructor`. */
function trustingWebSocket(ca: string): ClientConfig['webSocketConstructor'] {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { ca });
    }
  } as unknown as ClientConfig['webSocketConstructor'];
}

/** Everything a raw socket receives until it closes. */
function collect(socket: NodeJS.ReadWriteStream & { destroy(): void }): Promise<Buffer> {
  const chunks: Buffer[] = [];
  return new Promise((resolve) => {
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
const gssencRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 48]);

let dir: string;
let certificate: Certificate;
let other: Certificate;
let t: TestServer;
let plain: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'edgepg-tls-'));
  certificate = makeCertificate(dir, 'server');
  other = makeCertificate(dir, 'other');
  t = await startTestServer({ tls: { cert: certificate.cert, key: certificate.key } });
  plain = await startTestServer();
});

afterAll(async () => {
  await t?.server.close();
  await plain?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

const role = 'scram' as const;

/** Host, port and credentials of the TLS server, for pg and edgepg alike. */
function target(port = t.server.port) {
  const { user, password } = credentials(role);
  return { host: 'localhost', port, user, password, database: pgInfo().database };
}

function tlsClientConfig(overrides: Partial<ClientConfig> = {}): ClientConfig {
  return { ...target(), ...overrides };
}

describe('a server with TLS', () => {
  it('names https:// and wss:// URLs', () => {
    expect(t.server.url).toBe(`https://localhost:${t.server.port}`);
    expect(t.server.sqlUrl).toBe(`https://localhost:${t.server.port}/sql`);
    expect(t.server.wsUrl).toBe(`wss://localhost:${t.server.port}/v2`);
    expect(t.logs.some((line) => line.includes('TLS only'))).toBe(true);
  });

  it('serves neon() over HTTPS /sql, single queries and transactions', async () => {
    const sql = neon(t.url(role), {
      fetchEndpoint: (host, port) => `https://${host}:${port}/sql`,
      fetchFunction: trustingFetch(certificate.cert),
    });
    expect(await sql`select ${41}::int + 1 as n, current_user as u`).toEqual([
      { n: 42, u: credentials(role).user },
    ]);
    const [a, b] = await sql.transaction([sql`select 1 as one`, sql`select 'two' as two`]);
    expect([a, b]).toEqual([[{ one: 1 }], [{ two: 'two' }]]);
  });

  it('fails neon() over HTTPS when the client does not trust the certificate', async () => {
    const sql = neon(t.url(role), {
      fetchEndpoint: (host, port) => `https://${host}:${port}/sql`,
      fetchFunction: trustingFetch(other.cert),
    });
    const error = await sql`select 1`.catch((e: unknown) => e);
    expect(String((error as Error).cause ?? error)).toMatch(/self[- ]signed|certificate/i);
  });

  it('serves Client over WSS (useSecureWebSocket) with pipelined queries', async () => {
    const client = new Client(
      tlsClientConfig({
        wsProxy: (host, port) => `${host}:${port}/v2`,
        useSecureWebSocket: true,
        webSocketConstructor: trustingWebSocket(certificate.cert),
      }),
    );
    expect(client.transportKind).toBe('websocket');
    await client.connect();
    const results = await Promise.all([
      client.query('select 1 as one'),
      client.query('select $1::text as name', ['wss']),
      client.query('select ssl from pg_stat_ssl where pid = pg_backend_pid()'),
    ]);
    expect(results.map((r) => r.rows[0])).toEqual([{ one: 1 }, { name: 'wss' }, { ssl: false }]);
    await client.end();
    expect(t.logs.some((line) => /wss 127\.0\.0\.1:\d+: user=/.test(line))).toBe(true);
  });

  it('serves Client over WSS set up through the global neonConfig', async () => {
    const saved = { ...neonConfig };
    neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
    neonConfig.useSecureWebSocket = true;
    neonConfig.webSocketConstructor = trustingWebSocket(certificate.cert);
    try {
      const client = new Client(tlsClientConfig());
      await client.connect();
      expect((await client.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
      await client.end();
    } finally {
      Object.assign(neonConfig, saved);
    }
  });

  it('serves the unmodified @neondatabase/serverless over HTTPS and WSS', async () => {
    // Neon reads fetchEndpoint and fetchFunction from its global neonConfig only.
    const saved = { endpoint: Neon.neonConfig.fetchEndpoint, fetch: Neon.neonConfig.fetchFunction };
    Neon.neonConfig.fetchEndpoint = (host, port) => `https://${host}:${port}/sql`;
    Neon.neonConfig.fetchFunction = trustingFetch(certificate.cert);
    const sql = Neon.neon(t.url(role));
    try {
      expect(await sql`select ${'https'}::text as via`).toEqual([{ via: 'https' }]);
    } finally {
      Neon.neonConfig.fetchEndpoint = saved.endpoint;
      Neon.neonConfig.fetchFunction = saved.fetch;
    }
    const client = new Neon.Client(t.url(role));
    client.neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
    client.neonConfig.useSecureWebSocket = true;
    client.neonConfig.webSocketConstructor = trustingWebSocket(certificate.cert);
    await client.connect();
    expect((await client.query('select $1::text as via', ['wss'])).rows).toEqual([{ via: 'wss' }]);
    await client.end();
  });

  it('serves Client over TCP with ssl: { ca } (SSLRequest, then TLS)', async () => {
    const client = new Client(tlsClientConfig({ transport: 'tcp', ssl: { ca: certificate.cert } }));
    await client.connect();
    expect((await client.query('select $1::int * 2 as v', [21])).rows).toEqual([{ v: 42 }]);
    await client.end();
    expect(t.logs.some((line) => /tcps 127\.0\.0\.1:\d+: user=/.test(line))).toBe(true);
  });

  it('serves pg over TCP with ssl: { ca }', async () => {
    const client = new pg.Client({ ...target(), ssl: { ca: certificate.cert } });
    await client.connect();
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  });

  it('passes on a CancelRequest that arrives over TLS', async () => {
    const client = new Client(tlsClientConfig({ transport: 'tcp', ssl: { ca: certificate.cert } }));
    await client.connect();
    const sleeping = client.query('select pg_sleep(30)').catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.cancel();
    expect(await sleeping).toMatchObject({ code: '57014' });
    await client.end();
  });

  it('refuses pg over TCP when it does not trust the certificate', async () => {
    const client = new pg.Client({ ...target(), ssl: { ca: other.cert } });
    const error = await client.connect().catch((e: unknown) => e);
    expect(String(error)).toMatch(/self[- ]signed|certificate/i);
  });

  it('accepts direct TLS with ALPN postgresql (Postgres 17 sslnegotiation=direct)', async () => {
    const socket = tlsConnect({
      host: '127.0.0.1',
      port: t.server.port,
      servername: 'localhost',
      ca: certificate.cert,
      ALPNProtocols: ['postgresql'],
    });
    const received = collect(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.alpnProtocol).toBe('postgresql');
    socket.write(serialize.startup({ user: credentials(role).user, database: pgInfo().database }));
    socket.write(serialize.password(credentials(role).password ?? ''));
    socket.write(serialize.query('select 7 as seven'));
    socket.write(serialize.end());
    const bytes = await received;
    // AuthenticationCleartextPassword (R, code 3), then the query's DataRow with "7".
    expect(bytes.subarray(0, 9)).toEqual(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
    expect(bytes.includes(Buffer.from([0x44, 0, 0, 0, 11, 0, 1, 0, 0, 0, 1, 0x37]))).toBe(true);
  });

  it('answers GSSENCRequest N and then accepts an SSLRequest on the same connection', async () => {
    const socket = netConnect({ host: '127.0.0.1', port: t.server.port });
    const answers: Buffer[] = [];
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const next = () => new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(gssencRequest);
    answers.push(await next());
    socket.write(sslRequest);
    answers.push(await next());
    expect(answers.map((b) => b.toString('latin1'))).toEqual(['N', 'S']);
    socket.destroy();
  });

  it('closes a connection that sends bytes behind its SSLRequest before the answer (CVE-2021-23214)', async () => {
    const socket = netConnect({ host: '127.0.0.1', port: t.server.port });
    const received = collect(socket);
    socket.write(Buffer.concat([sslRequest, serialize.startup({ user: 'x', database: 'x' })]));
    expect((await received).length).toBe(0);
    expect(t.logs.some((line) => line.includes('data after an SSLRequest'))).toBe(true);
  });

  it('answers S to an SSLRequest that arrives split across TCP segments', async () => {
    const socket = netConnect({ host: '127.0.0.1', port: t.server.port });
    socket.setNoDelay(true);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const answer = new Promise<Buffer>((resolve) => socket.once('data', resolve));
    socket.write(sslRequest.subarray(0, 4));
    // Gives the first half time to arrive on its own (the bug needs it; the answer does not).
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.write(sslRequest.subarray(4));
    expect((await answer).toString('latin1')).toBe('S');
    socket.destroy();
  });
});

describe('a TLS-only server refuses plain clients clearly', () => {
  it('plain HTTP /sql gets a 400 saying to use https://', async () => {
    const response = await fetch(`http://localhost:${t.server.port}/sql`, {
      method: 'POST',
      headers: { 'Neon-Connection-String': t.url(role) },
      body: JSON.stringify({ query: 'select 1', params: [] }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/HTTPS only: use https:\/\//);
  });

  it('neon() over plain HTTP fails with that message', async () => {
    const sql = neon(t.url(role), { fetchEndpoint: (host, port) => `http://${host}:${port}/sql` });
    await expect(sql`select 1`).rejects.toThrow(/HTTPS only/);
  });

  it('Client over plain ws:// is refused inside the protocol with 28000', async () => {
    const client = new Client(
      tlsClientConfig({
        wsProxy: (host, port) => `${host}:${port}/v2`,
        useSecureWebSocket: false,
        webSocketConstructor: WebSocket as unknown as ClientConfig['webSocketConstructor'],
      }),
    );
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: '28000',
      message: expect.stringMatching(/TLS connections only.*wss/),
    });
  });

  it('pg over TCP without ssl is refused with 28000 and told to use sslmode=require', async () => {
    const client = new pg.Client(target());
    const error = await client.connect().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: '28000', message: expect.stringMatching(/TLS connections only/) });
  });
});

describe('a server without TLS', () => {
  it('closes a TLS handshake and answers SSLRequest N, as before', async () => {
    const secure = tlsConnect({ host: '127.0.0.1', port: plain.server.port, ca: certificate.cert });
    const error = await new Promise<Error>((resolve) => secure.once('error', resolve));
    expect(error.message).toMatch(/socket disconnected|ECONNRESET/i);
    const client = new pg.Client({
      ...target(plain.server.port),
      ssl: { ca: certificate.cert },
    });
    await expect(client.connect()).rejects.toThrow(/does not support SSL/);
  });
});

describe('tls options', () => {
  const upstream = { host: '127.0.0.1', port: 5432 };

  it('rejects a certificate or key that is not PEM, or a file name given as one, with ConfigError', async () => {
    for (const tls of [
      { cert: 'not a certificate', key: certificate.key },
      { cert: certificate.cert, key: other.key },
      { cert: certificate.certFile, key: certificate.keyFile },
      { cert: '', key: '' },
      'cert.pem',
    ]) {
      const error = await startServer({ upstream, port: 0, tls: tls as never }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect(String(error)).toMatch(/^ConfigError: tls/);
      expect(String(error)).not.toContain('PRIVATE KEY');
    }
  });

  it('keeps no key text in the resolved configuration, and no upstream password', () => {
    const config = resolveOptions({
      upstream: 'postgres://owner:upstream-secret@127.0.0.1:5432/db',
      tls: { cert: certificate.cert, key: certificate.key },
    });
    const shown = `${JSON.stringify(config)} ${inspect(config, { depth: 10 })}`;
    expect(shown).not.toContain('PRIVATE KEY');
    expect(shown).not.toContain(certificate.key.split('\n')[1]);
    expect(shown).not.toContain('upstream-secret');
    expect(config.upstream.password).toBe('upstream-secret');
  });
});

describe('edgepg serve --tls-cert --tls-key', () => {
  /** Runs the CLI in-process until `use` is done with the server, then stops it like Ctrl-C. */
  async function serve(flags: string[], use?: (server: LocalServer) => Promise<void>) {
    let out = '';
    let err = '';
    const controller = new AbortController();
    const info = pgInfo();
    let used: Promise<void> = Promise.resolve();
    const code = await main(
      ['serve', '--upstream', `postgres://${info.host}:${info.port}`, '--port', '0', ...flags],
      {
        stdout: (text) => {
          out += text;
        },
        stderr: (text) => {
          err += text;
        },
        signal: controller.signal,
        onReady: (server) => {
          used = (use?.(server) ?? Promise.resolve()).finally(() => controller.abort());
        },
      },
    );
    await used;
    return { code, out, err };
  }

  it('serves TLS only, and prints the https/wss settings and how to trust the certificate', async () => {
    let rows: unknown[] = [];
    const r = await serve(
      ['--tls-cert', certificate.certFile, '--tls-key', certificate.keyFile],
      async (server) => {
        expect(server.url).toMatch(/^https:\/\/localhost:\d+$/);
        const client = new pg.Client({ ...target(server.port), ssl: { ca: certificate.cert } });
        await client.connect();
        rows = (await client.query('select 1 as one')).rows;
        await client.end();
      },
    );
    expect(r.code).toBe(0);
    expect(rows).toEqual([{ one: 1 }]);
    for (const line of neonConfigLines(true).split('\n')) expect(r.out).toContain(line);
    expect(r.out).toContain('neonConfig.useSecureWebSocket = true;');
    expect(r.out).toContain(`NODE_EXTRA_CA_CERTS=${certificate.certFile}`);
  });

  it('needs both flags (exit 2) and readable files (exit 1)', async () => {
    const half = await serve(['--tls-cert', certificate.certFile]);
    expect(half.code).toBe(2);
    expect(half.err).toContain('--tls-cert and --tls-key go together');
    const missing = await serve(['--tls-cert', join(dir, 'missing.crt'), '--tls-key', certificate.keyFile]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read --tls-cert .*missing\.crt: ENOENT/);
    const swapped = await serve(['--tls-cert', certificate.keyFile, '--tls-key', certificate.certFile]);
    expect(swapped.code).toBe(1);
    expect(swapped.err).toMatch(/tls: could not load the certificate and key/);
    expect(swapped.err).not.toContain('PRIVATE KEY');
  });
});
