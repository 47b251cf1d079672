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
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return ws.close(1003);
      if (socket.connecting) pending.push(data);
      else socket.write(data);
    });
    socket.on('data', (chunk) => ws.send(chunk, { binary: true }));
    socket.on('close', () => ws.close(1000));
    socket.on('error', () => ws.close(1011));
    ws.on('close', () => socket.destroy());
  });
  return relay;
}
