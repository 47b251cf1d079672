/**
 * `client.cancel()` opens a side connection for the CancelRequest. Against a peer that accepts
 * and then never answers (a hung proxy) that side connection must not stay open for good: it is
 * bounded by `connectionTimeoutMillis` (10 s when unset), closed when the bound passes, and
 * cancel() rejects with a TimeoutError. Over TCP (the side connection opens, then never closes)
 * and WebSocket (the handshake never completes).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Client, type ClientConfig } from '../../src/client/client.js';
import { TimeoutError } from '../../src/core/errors.js';
import { clientConfig, pgInfo } from '../setup/pg.js';
import { transports, useTransports } from '../support/transports.js';
import { type Relay, startRelay } from '../support/ws-relay.js';

type TransportName = (typeof transports)[number];
const configFor = useTransports();

/**
 * Pipes the first connection to `target`; every later one is accepted and then hangs: nothing
 * is answered, and a client's FIN is not answered either (a hung proxy). `hung` counts those
 * still open, which only the client can close. With `finMeansClosed` a FIN from the client
 * counts as its close (for a WebSocket, whose handshake a probe byte would break by itself).
 */
interface HangingProxy {
  readonly port: number;
  readonly hung: number;
  /**
   * Sends a byte down every hung connection: one whose client has closed its socket answers
   * with a reset, and so ends; a client that only half-closed (FIN) still takes it.
   */
  probe(): void;
  close(): Promise<void>;
}

async function startHangingProxy(
  target: { host: string; port: number },
  finMeansClosed: boolean,
): Promise<HangingProxy> {
  const sockets = new Set<Socket>();
  const hanging = new Set<Socket>();
  let accepted = 0;
  let hung = 0;
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    sockets.add(client);
    client.on('error', () => {});
    if (++accepted > 1) {
      hung++;
      hanging.add(client);
      client.on('data', () => {}); // read and dropped, never answered
      // Where the client never half-closes on purpose (a WebSocket handshake), its FIN means it gave up.
      client.on('end', () => {
        if (finMeansClosed) client.destroy();
      });
      client.on('close', () => {
        hung--;
        sockets.delete(client);
        hanging.delete(client);
      });
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(upstream);
    upstream.on('error', () => {});
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    get hung() {
      return hung;
    },
    probe() {
      for (const socket of hanging) if (!socket.destroyed) socket.write(Buffer.from([0]));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let relay: Relay;
beforeAll(async () => {
  const info = pgInfo();
  relay = await startRelay({ host: info.host, port: info.port });
});
afterAll(async () => {
  await relay.close();
});

/** A client config through `proxy`: straight to PostgreSQL (TCP) or to the WebSocket relay. */
function throughProxy(transport: TransportName, proxy: HangingProxy, extra: ClientConfig): ClientConfig {
  if (transport === 'tcp')
    return { ...clientConfig(), host: '127.0.0.1', port: proxy.port, transport: 'tcp', ...extra };
  return {
    ...clientConfig(),
    wsProxy: `127.0.0.1:${proxy.port}/v1`,
    useSecureWebSocket: false,
    webSocketConstructor: WebSocket as unknown as ClientConfig['webSocketConstructor'],
    ...extra,
  };
}

/** Where the proxy sends its first connection for `transport`. */
function upstreamOf(transport: TransportName): { host: string; port: number } {
  if (transport === 'tcp') return pgInfo();
  return { host: '127.0.0.1', port: Number(/:(\d+)\//.exec(relay.proxy)![1]) };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe.each(transports)('cancel() against a hung peer over %s', (transport) => {
  it('gives up after connectionTimeoutMillis, closing the side connection', async () => {
    const proxy = await startHangingProxy(upstreamOf(transport), transport === 'websocket');
    const client = new Client(
      throughProxy(transport, proxy, { connectionTimeoutMillis: 300, pipelineConnect: false }),
    );
    await client.connect();
    const cancelling = client.cancel();
    await expect(cancelling).rejects.toBeInstanceOf(TimeoutError);
    // The side connection was closed by the client, not left open on the hung peer.
    await until(() => {
      if (transport === 'tcp') proxy.probe();
      return proxy.hung === 0;
    });
    expect(proxy.hung).toBe(0);
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    await proxy.close();
  });

  it('still cancels through a peer that answers', async () => {
    const client = new Client({ ...configFor(transport), connectionTimeoutMillis: 5000 });
    await client.connect();
    const running = client.query('select pg_sleep(30)');
    const cancelled = expect(running).rejects.toMatchObject({ code: '57014' });
    // Wait until the sleep runs, so the CancelRequest finds it.
    const observer = new Client(clientConfig());
    await observer.connect();
    for (let i = 0; i < 500; i++) {
      const { rows } = await observer.query(
        "select count(*)::int as n from pg_stat_activity where pid = $1 and wait_event = 'PgSleep'",
        [client.processID],
      );
      if (rows[0].n === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await client.cancel();
    await cancelled;
    await Promise.all([client.end(), observer.end()]);
  });
});
