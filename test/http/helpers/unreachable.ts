/**
 * Unreachable databases as a client sees them: a port that refuses connections, and a server
 * that accepts connections and never answers (a hung proxy or a black-holed route).
 */
import { createServer, type Socket } from 'node:net';

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface SilentServer {
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, accepts every connection and never sends a byte. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Collects unhandled rejections between `start()` and `stop()` (which returns them). */
export function unhandledRejections(): { start(): void; stop(): unknown[] } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => seen.push(reason);
  return {
    start: () => process.on('unhandledRejection', listener),
    stop() {
      process.off('unhandledRejection', listener);
      return seen;
    },
  };
}
