/**
 * A TCP proxy that decodes what the client sends: the type letter of every frontend message
 * after the startup message (P Parse, B Bind, D Describe, E Execute, S Sync, C Close, Q Query,
 * p password…), so a test can assert which messages a query cost.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface FrontendLog {
  /** Type letters of the messages sent since the last reset, in order. */
  readonly types: string[];
  /** Forget what was sent so far (e.g. after connecting). */
  reset(): void;
}

export interface FrontendProxy {
  port: number;
  /** One log per accepted connection, in order. */
  connections: FrontendLog[];
  close(): Promise<void>;
}

/** Splits the client's byte stream into messages; the first ones (startup, SSLRequest) have no type. */
class FrontendDecoder implements FrontendLog {
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

  reset(): void {
    this.types = [];
  }
}

export async function startFrontendProxy(target: { host: string; port: number }): Promise<FrontendProxy> {
  const sockets = new Set<Socket>();
  const proxy: FrontendProxy = { port: 0, connections: [], close: async () => {} };
  const server: Server = createServer((client) => {
    const decoder = new FrontendDecoder();
    proxy.connections.push(decoder);
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
