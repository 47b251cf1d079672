/**
 * A TCP proxy that counts round trips without a clock: it records the direction of every chunk
 * between client and server, and a "client flight" is a run of client→server chunks that the
 * server did not interrupt. A client that must wait for an answer before it can go on starts a
 * new flight; a pipelining client sends everything in one. It also decodes the type letter of
 * every frontend message after the startup message (P Parse, B Bind, D Describe, E Execute,
 * S Sync, C Close, Q Query, p password…), so a test can assert which messages a query cost.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FlightLog {
  /** Directions in order, consecutive chunks of one direction merged: e.g. ['C', 'S', 'C', 'S']. */
  runs: ('C' | 'S')[];
  /** Client flights so far. */
  readonly clientFlights: number;
  /** Type letters of the frontend messages sent so far, in order. */
  readonly frontend: string[];
  /** Forget what happened so far (e.g. after connecting). */
  reset(): void;
}

export interface FlightProxy {
  port: number;
  /** One log per accepted connection, in order. */
  connections: FlightLog[];
  close(): Promise<void>;
}

function newLog(): FlightLog & { decoder: FrontendDecoder } {
  const log = {
    runs: [] as ('C' | 'S')[],
    decoder: new FrontendDecoder(),
    get clientFlights() {
      return log.runs.filter((r) => r === 'C').length;
    },
    get frontend() {
      return log.decoder.types;
    },
    reset() {
      log.runs = [];
      log.decoder.types = [];
    },
  };
  return log;
}

/** Splits the client's byte stream into messages; the first ones (startup, SSLRequest) have no type. */
class FrontendDecoder {
  types: string[] = [];
  private pending = Buffer.alloc(0);
  private startedUp = false;

  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      if (!this.startedUp) {
        if (this.pending.length < 8) return;
        const length = this.pending.readInt32BE(0);
        if (this.pending.length < length) return;
        // 196608 = protocol 3.0: the StartupMessage; anything else (SSLRequest) comes before it.
        if (this.pending.readInt32BE(4) === 196608) this.startedUp = true;
        this.pending = this.pending.subarray(length);
        continue;
      }
      if (this.pending.length < 5) return;
      const length = this.pending.readInt32BE(1);
      if (this.pending.length < 1 + length) return;
      this.types.push(String.fromCharCode(this.pending[0]));
      this.pending = this.pending.subarray(1 + length);
    }
  }
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
    client.on('data', (chunk: Buffer) => {
      note('C');
      log.decoder.push(chunk);
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
