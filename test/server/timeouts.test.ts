/**
 * Per-connection limits of the local server (SECURITY.md): slowloris-style requests get a 408
 * and lose their connection, a half-open WebSocket (a peer that stopped answering pings) is cut
 * and its upstream connection freed, and an oversized WebSocket message closes the session
 * with 1009. Short timeouts are configured so that the tests wait for events, not for clocks.
 */
import { connect as netConnect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError } from '../../src/core/errors.js';
import { startServer } from '../../src/server/server.js';
import { clientConfig, credentials, pgInfo } from '../setup/pg.js';
import { startTestServer, type TestServer } from './helpers.js';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({
    requestTimeoutMillis: 300,
    webSocketPingMillis: 100,
    maxWebSocketMessageBytes: 4096,
  });
});
afterAll(async () => {
  await t.server.close();
});

/** Writes `bytes` to the server on a raw socket; resolves with everything read until it closes. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: '127.0.0.1', port: t.server.port }, () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
  });
}

/** A WebSocket session past startup, as the driver opens one, that can stop answering pings. */
async function openSession(
  applicationName: string,
): Promise<{ ws: WebSocket; closed: Promise<number>; pings: () => number; goSilent: () => void }> {
  const { user, password } = credentials('scram');
  const ws = new WebSocket(`ws://localhost:${t.server.port}/v2`, { autoPong: false });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  ws.on('error', () => {});
  // Pings are answered by hand, as a live peer's WebSocket does on its own, until goSilent().
  let answering = true;
  let pings = 0;
  ws.on('ping', (data) => {
    pings++;
    if (answering) ws.pong(data);
  });
  let received = Buffer.alloc(0);
  const ready = new Promise<void>((resolve, reject) => {
    ws.on('message', (data: Buffer) => {
      received = Buffer.concat([received, data]);
      // ReadyForQuery ('Z', length 5, status) ends the startup.
      if (received.includes(Buffer.from([0x5a, 0, 0, 0, 5]))) resolve();
    });
    closed.then((code) =>
      reject(new Error(`closed during startup (${code}): ${received.toString('latin1')}`)),
    );
  });
  await new Promise<void>((resolve) => ws.once('open', () => resolve()));
  ws.send(
    Buffer.concat([
      serialize.startup({ user, database: pgInfo().database, application_name: applicationName }),
      serialize.password(password ?? ''),
    ]),
  );
  await ready;
  return {
    ws,
    closed,
    pings: () => pings,
    goSilent: () => {
      answering = false;
    },
  };
}

async function backendsOf(applicationName: string): Promise<number> {
  const admin = new pg.Client(clientConfig('superuser'));
  await admin.connect();
  try {
    const { rows } = await admin.query<{ n: number }>(
      'select count(*)::int as n from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return rows[0].n;
  } finally {
    await admin.end();
  }
}

async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('slowloris-style HTTP requests', () => {
  it('a body that stops arriving gets a 408 and the connection is closed', async () => {
    const received = await rawExchange(
      'POST /sql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
        `Neon-Connection-String: ${t.url('scram')}\r\nContent-Length: 1000\r\n\r\n{"query":`,
    );
    expect(received).toMatch(/^HTTP\/1\.1 408 [\s\S]*request timed out/);
  });

  it('headers that stop arriving get a 408 and the connection is closed', async () => {
    const received = await rawExchange('POST /sql HTTP/1.1\r\nHost: localhost\r\nX-Slow: ');
    expect(received).toMatch(/^HTTP\/1\.1 408 [\s\S]*request timed out/);
  });

  it('a prompt request on the same server is answered as usual', async () => {
    const response = await fetch(`${t.server.sqlUrl}`, {
      method: 'POST',
      headers: { 'Neon-Connection-String': t.url('scram') },
      body: JSON.stringify({ query: 'select 1 as one', params: [] }),
    });
    expect(response.status).toBe(200);
  });
});

describe('WebSocket sessions', () => {
  it('a session that answers pings stays open while idle', async () => {
    const { ws, pings } = await openSession('edgepg-ping-alive');
    const from = pings();
    expect(await eventually(async () => pings() >= from + 5)).toBe(true);
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(await backendsOf('edgepg-ping-alive')).toBe(1);
    ws.close();
  });

  it('a half-open session (no answer to pings) is closed and its upstream connection freed', async () => {
    const { closed, goSilent } = await openSession('edgepg-half-open');
    expect(await backendsOf('edgepg-half-open')).toBe(1);
    goSilent();
    await closed;
    expect(await eventually(async () => (await backendsOf('edgepg-half-open')) === 0)).toBe(true);
    expect(t.logs.some((line) => line.includes('no answer to a ping'))).toBe(true);
  });

  it('a message over maxWebSocketMessageBytes closes the session with 1009 and frees its upstream', async () => {
    const { ws, closed } = await openSession('edgepg-too-big');
    ws.send(serialize.query(`select '${'x'.repeat(5000)}'`));
    expect(await closed).toBe(1009);
    expect(await eventually(async () => (await backendsOf('edgepg-too-big')) === 0)).toBe(true);
  });
});

describe('timeout options', () => {
  it('rejects non-integers and negatives with ConfigError; webSocketPingMillis 0 turns pings off', async () => {
    const upstream = { host: '127.0.0.1', port: 5432 };
    for (const bad of [
      { requestTimeoutMillis: 0 },
      { requestTimeoutMillis: 1.5 },
      { webSocketPingMillis: -1 },
    ]) {
      await expect(startServer({ upstream, port: 0, ...bad })).rejects.toBeInstanceOf(ConfigError);
    }
    const quiet = await startServer({ upstream, port: 0, webSocketPingMillis: 0 });
    await quiet.close();
  });
});
