/**
 * A plain WebSocket→TCP byte pipe to the test PostgreSQL (like Neon's wsproxy): binary frames
 * in, bytes out, both ways. It does not understand Postgres, so it exercises the client's
 * WebSocket transport and its pipelined-connect fallback against every auth method.
 */
import { connect } from 'node:net';
import { type AddressInfo, WebSocketServer } from 'ws';

export interface Relay {
  /** For `wsProxy`: `127.0.0.1:<port>/v1`. */
  proxy: string;
  connections: number;
  close(): Promise<void>;
}

/** Unsent bytes towards the client past which the relay stops reading from PostgreSQL. */
const RELAY_BUFFER_BYTES = 1024 * 1024;

export async function startRelay(target: { host: string; port: number }): Promise<Relay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const relay: Relay = {
    proxy: `127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (ws) => {
    relay.connections++;
    const socket = connect(target.port, target.host);
    const pending: Buffer[] = [];
    socket.on('connect', () => {
      for (const chunk of pending.splice(0)) socket.write(chunk);
    });
    // Back-pressure both ways, as a real proxy: a relay that buffered without bound would hide
    // whether the client itself stops reading or writing.
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return ws.close(1003);
      if (socket.connecting) pending.push(data);
      else if (!socket.write(data)) ws.pause();
    });
    socket.on('drain', () => ws.resume());
    const sent = () => {
      if (socket.isPaused() && ws.bufferedAmount <= RELAY_BUFFER_BYTES) socket.resume();
    };
    socket.on('data', (chunk) => {
      ws.send(chunk, { binary: true }, sent);
      if (ws.bufferedAmount > RELAY_BUFFER_BYTES) socket.pause();
    });
    // Resumed first: a write to the closing socket returns false and paused the WebSocket, whose
    // Close reply would then go unread, holding the client's close for ws's 30 s close timeout.
    socket.on('close', () => {
      ws.resume();
      ws.close(1000);
    });
    socket.on('error', () => {
      ws.resume();
      ws.close(1011);
    });
    // Bytes the client sent just before closing (a CancelRequest) still reach PostgreSQL.
    ws.on('close', () => {
      if (socket.connecting) socket.once('connect', () => socket.destroySoon());
      else socket.destroySoon();
    });
  });
  return relay;
}
