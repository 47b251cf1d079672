/**
 * Regression tests from the review of cursors, COPY and LISTEN: each case once hung a
 * connection, lost a notification or left a promise unsettled. Over TCP and WebSocket.
 */
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Client } from '../../src/client/client.js';
import { AbortError, ConfigError, ConnectionError, TimeoutError, UsageError } from '../../src/core/errors.js';
import { neon } from '../../src/index.js';
import { Pool } from '../../src/pool/pool.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

async function connected(transport: (typeof transports)[number]): Promise<Client> {
  const client = new Client(configFor(transport));
  await client.connect();
  return client;
}

describe.each(transports)('review regressions over %s', (transport) => {
  it('refuses a cursor types option without getTypeParser, leaving the connection usable', async () => {
    const client = await connected(transport);
    client.on('error', () => {});
    expect(() => client.cursor('select 1', [], { types: {} as never })).toThrow(UsageError);
    expect(() => client.cursor('select 1', [], { types: 42 as never })).toThrow(UsageError);
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  });

  it('end() settles while a copyTo() reader has stopped reading (the socket is paused)', async () => {
    const client = await connected(transport);
    const stream = client.copyTo("copy (select repeat('x', 100) from generate_series(1, 2000000)) to stdout");
    const failed = expect(stream.done).rejects.toBeInstanceOf(ConnectionError);
    const reader = stream.getReader();
    await reader.read();
    // Wait until the stream's queue is full, so the client has stopped reading the socket.
    while (stream.bytesReceived < 1024 * 1024) await new Promise((resolve) => setTimeout(resolve, 10));
    await client.end();
    await failed;
    await expect(reader.read()).rejects.toBeInstanceOf(ConnectionError);
  });

  it('refuses a second COPY FROM STDIN in one copyFrom() instead of hanging the connection', async () => {
    const client = await connected(transport);
    await client.query('create temp table copy_twice (a int)');
    const stream = client.copyFrom('copy copy_twice from stdin; copy copy_twice from stdin');
    const done = expect(stream.done).rejects.toBeInstanceOf(UsageError);
    const writer = stream.getWriter();
    await writer.write('1\n');
    await expect(writer.close()).rejects.toBeInstanceOf(UsageError);
    await done;
    // The statements ran as one implicit transaction: the first COPY's row is rolled back.
    const { rows } = await client.query('select count(*)::int as n from copy_twice');
    expect(rows[0].n).toBe(0);
    // A COPY FROM behind a COPY TO in one statement string is refused too, with nothing copied.
    const mixed = client.copyFrom('copy (select 1) to stdout; copy copy_twice from stdin');
    await expect(mixed.done).rejects.toBeInstanceOf(UsageError);
    expect((await client.query('select count(*)::int as n from copy_twice')).rows[0].n).toBe(0);
    await client.end();
  });

  it('refuses a channel Postgres would truncate, and delivers on one of the longest valid names', async () => {
    const client = await connected(transport);
    const tooLong = 'é'.repeat(32); // 64 bytes in UTF-8: LISTEN would truncate it to 63
    await expect(client.listen(tooLong, () => {})).rejects.toBeInstanceOf(UsageError);
    await expect(client.listen('a\0b', () => {})).rejects.toBeInstanceOf(UsageError);
    await expect(client.notify(tooLong, 'x')).rejects.toBeInstanceOf(UsageError);
    const pool = new Pool(configFor(transport));
    await expect(pool.listen(tooLong, () => {})).rejects.toBeInstanceOf(UsageError);
    await pool.end();

    const longest = `${'é'.repeat(31)}x`; // 63 bytes
    const payloads: string[] = [];
    let received!: () => void;
    const both = new Promise<void>((resolve) => {
      received = resolve;
    });
    const listener = await client.listen(longest, (payload) => {
      payloads.push(payload);
      if (payloads.length === 2) received();
    });
    await client.notify(longest, 'by pg_notify');
    await client.query(`notify "${longest}", 'by NOTIFY'`);
    await both;
    expect(payloads).toEqual(['by pg_notify', 'by NOTIFY']);
    await listener.unlisten();
    await client.end();
  });
});

/**
 * A server that accepts connections and never answers: the WebSocket handshake, or the answer
 * to an SSLRequest, never comes. `closed(socket)` resolves once the client has closed it.
 */
const silent = { port: 0, sockets: [] as Socket[] };
const server = createServer((socket) => {
  socket.on('error', () => {});
  socket.resume(); // read (and drop) what arrives, so the client's FIN is seen as 'close'
  silent.sockets.push(socket);
});
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  silent.port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  for (const socket of silent.sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

/** The next connection the silent server accepts (polled: the client opens it asynchronously). */
async function nextAccepted(count: number): Promise<Socket> {
  while (silent.sockets.length <= count) await new Promise((resolve) => setTimeout(resolve, 10));
  return silent.sockets[count];
}
const closedByClient = (socket: Socket) =>
  socket.destroyed
    ? Promise.resolve()
    : new Promise<void>((resolve) => socket.once('close', () => resolve()));

const hangingClients = {
  websocket: (connectionTimeoutMillis: number) =>
    new Client({
      connectionString: 'postgresql://user:secret@localhost/db',
      transport: 'websocket',
      wsProxy: () => `127.0.0.1:${silent.port}/v2`,
      useSecureWebSocket: false,
      webSocketConstructor: WebSocket as never,
      connectionTimeoutMillis,
    }),
  tcp: (connectionTimeoutMillis: number) =>
    new Client({
      connectionString: `postgresql://user:secret@127.0.0.1:${silent.port}/db`,
      transport: 'tcp',
      ssl: true,
      connectionTimeoutMillis,
    }),
};

describe.each(['websocket', 'tcp'] as const)('a connect abandoned while the %s transport opens', (kind) => {
  it('end() rejects the pending connect() and closes the socket', async () => {
    const count = silent.sockets.length;
    const client = hangingClients[kind](60_000);
    const connecting = client.connect();
    const refused = expect(connecting).rejects.toBeInstanceOf(ConnectionError);
    const socket = await nextAccepted(count);
    await client.end();
    await refused;
    await closedByClient(socket);
  });

  it('connectionTimeoutMillis closes the socket, not only rejects', async () => {
    const count = silent.sockets.length;
    const client = hangingClients[kind](200);
    const timedOut = expect(client.connect()).rejects.toBeInstanceOf(TimeoutError);
    const socket = await nextAccepted(count);
    await timedOut;
    await closedByClient(socket);
  });
});

describe('sql.begin while its session is still connecting', () => {
  it('rejects with AbortError when its signal aborts, and closes the socket', async () => {
    const count = silent.sockets.length;
    const sql = neon('postgresql://user:secret@localhost/db');
    const controller = new AbortController();
    const begun = sql.begin(() => 1, {
      signal: controller.signal,
      connectionTimeoutMillis: 60_000,
      neonConfig: {
        wsProxy: () => `127.0.0.1:${silent.port}/v2`,
        useSecureWebSocket: false,
        webSocketConstructor: WebSocket as never,
      },
    });
    const aborted = expect(begun).rejects.toBeInstanceOf(AbortError);
    const socket = await nextAccepted(count);
    controller.abort();
    await aborted;
    await closedByClient(socket);
  });
});

describe('pool.listen while its connection is still opening', () => {
  it('pool.end() closes that connection and rejects the pending listen()', async () => {
    const count = silent.sockets.length;
    const pool = new Pool({
      connectionString: 'postgresql://user:secret@localhost/db',
      transport: 'websocket',
      wsProxy: () => `127.0.0.1:${silent.port}/v2`,
      useSecureWebSocket: false,
      webSocketConstructor: WebSocket as never,
    });
    const listening = pool.listen('review_channel', () => {});
    const refused = expect(listening).rejects.toBeInstanceOf(ConnectionError);
    const socket = await nextAccepted(count);
    await pool.end();
    await refused;
    await closedByClient(socket);
  });
});

describe('neon() timeouts beyond what a timer can hold', () => {
  it('are ConfigErrors, not a RangeError or a timeout that fires at once', async () => {
    // setTimeout and AbortSignal.timeout take at most 2^31 - 1 ms; above it Node fires after 1 ms.
    const sql = neon('postgresql://user:secret@localhost/db');
    const tooLong = 2 ** 31;
    await expect(sql.verifyConnectivity({ timeoutMs: tooLong })).rejects.toBeInstanceOf(ConfigError);
    await expect(sql.getServerInfo({ timeoutMs: tooLong })).rejects.toBeInstanceOf(ConfigError);
    await expect(sql.executeQuery('select 1', [], { timeoutMs: tooLong })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await expect(sql.begin(() => 1, { connectionTimeoutMillis: tooLong })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
