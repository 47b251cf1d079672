/**
 * A TCP proxy that counts round trips without a clock: it records the direction of every chunk
 * between client and server, and a "client flight" is a run of client→server chunks that the
 * server did not interrupt. A client that must wait for an answer before it can go on starts a
 * new flight; a pipelining client sends everything in one.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FlightLog {
  /** Directions in order, consecutive chunks of one direction merged: e.g. ['C', 'S', 'C', 'S']. */
  runs: ('C' | 'S')[];
  /** Client flights so far. */
  readonly clientFlights: number;
  /** Forget what happened so far (e.g. after connecting). */
  reset(): void;
}

export interface FlightProxy {
  port: number;
  /** One log per accepted connection, in order. */
  connections: FlightLog[];
  close(): Promise<void>;
}

function newLog(): FlightLog {
  const log = {
    runs: [] as ('C' | 'S')[],
    get clientFlights() {
      return log.runs.filter((r) => r === 'C').length;
    },
    reset() {
      log.runs = [];
    },
  };
  return log;
}

export async function startFlightProxy(target: { host: string; port: number }): Promise<FlightProxy> {
  const sockets = new Set<Socket>();
  const proxy: FlightProxy = { port: 0, connections: [], close: async () => {} };
  const server: Server = createServer((client) => {
    const log = newLog();
    proxy.connections.push(log);
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const note = (direction: 'C' | 'S') => {
      if (log.runs[log.runs.length - 1] !== direction) log.runs.push(direction);
    };
    client.on('data', (chunk) => {
      note('C');
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      note('S');
      client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
