/**
 * A TCP middlebox that breaks connections on command, for the fault-injection suite. It pipes
 * bytes between a client and a target (PostgreSQL, the local server's HTTP/WebSocket/Postgres
 * port) without understanding them, and the test picks one fault at a time:
 *
 * - `delay`: every chunk is held `ms` before it is forwarded, in order, both ways (latency);
 * - `stall`: the connections open right now stop forwarding anything, both ways, and stay open
 *   (a peer that hangs: only the client's own timer can notice); new connections pass;
 * - `blackhole`: new connections are accepted and then stalled from their first byte (a peer
 *   that accepts but never answers); the connections already open pass;
 * - `cut`: the next chunk from the target is forwarded only in part (the message it ends with is
 *   incomplete), then both sides are closed with a FIN — a connection lost mid-message;
 * - `reset`: the next chunk from the client is forwarded (the target may act on it), then the
 *   client side is reset (RST) and the target side closed — a crash or a middlebox reset.
 *
 * `cut` and `reset` fire once; `fired` counts how often a one-shot fault fired. With `match`
 * they wait for a chunk whose text contains it (case-insensitive), so that a connection's own
 * chatter (a pool's reset between requests) does not take the fault meant for a query.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export type Fault =
  | { kind: 'none' }
  | { kind: 'delay'; ms: number }
  | { kind: 'stall' }
  | { kind: 'blackhole' }
  | { kind: 'cut'; match?: string }
  | { kind: 'reset'; match?: string };

export interface FaultProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** One-shot faults (`cut`, `reset`) that fired so far. */
  readonly fired: number;
  /** Stalled connections still open (their clients have not given up on them yet). */
  readonly stalled: number;
  /** Connections open now, stalled ones included. */
  readonly open: number;
  /** Applies a fault from now on (`stall` freezes the connections open now). */
  set(fault: Fault): void;
  /** Ends a stall or blackhole for good: its connections are closed (a hung peer that restarts). */
  dropStalled(): void;
  close(): Promise<void>;
}

interface Pipe {
  client: Socket;
  upstream: Socket;
  frozen: boolean;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const pipes = new Set<Pipe>();
  let fault: Fault = { kind: 'none' };
  let accepted = 0;
  let fired = 0;

  /** Whether a one-shot fault is armed for this direction; disarms it when it is. */
  const take = (kind: 'cut' | 'reset', chunk: Buffer): boolean => {
    if (fault.kind !== kind) return false;
    if (fault.match && !chunk.toString('latin1').toLowerCase().includes(fault.match.toLowerCase()))
      return false;
    fault = { kind: 'none' };
    fired++;
    return true;
  };

  const forward = (pipe: Pipe, to: Socket, chunk: Buffer): void => {
    if (pipe.frozen) return;
    if (fault.kind === 'delay') {
      // Equal delays fire in insertion order, so the byte stream keeps its order.
      setTimeout(() => {
        if (!pipe.frozen && !to.destroyed) to.write(chunk);
      }, fault.ms);
    } else if (!to.destroyed) {
      to.write(chunk);
    }
  };

  const server: Server = createServer((client) => {
    accepted++;
    const upstream = connect(target.port, target.host);
    const pipe: Pipe = { client, upstream, frozen: fault.kind === 'blackhole' };
    pipes.add(pipe);
    client.on('data', (chunk: Buffer) => {
      if (!pipe.frozen && take('reset', chunk)) {
        upstream.end(chunk);
        client.resetAndDestroy();
        return;
      }
      forward(pipe, upstream, chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!pipe.frozen && take('cut', chunk)) {
        // Half of the chunk, at least 1 byte and at most all but one: the last message is incomplete.
        const keep = Math.min(Math.max(1, Math.floor(chunk.length / 2)), Math.max(0, chunk.length - 1));
        client.end(chunk.subarray(0, keep));
        upstream.destroy();
        return;
      }
      forward(pipe, client, chunk);
    });
    const closeBoth = () => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', closeBoth);
    upstream.on('close', () => {
      // A stalled connection hides the target's close too: the client must notice on its own.
      if (!pipe.frozen) closeBoth();
    });
    client.on('error', () => {});
    upstream.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;

  return {
    port,
    get accepted() {
      return accepted;
    },
    get fired() {
      return fired;
    },
    get open() {
      return pipes.size;
    },
    get stalled() {
      return [...pipes].filter((pipe) => pipe.frozen).length;
    },
    set(next) {
      fault = next;
      if (next.kind === 'stall') for (const pipe of pipes) pipe.frozen = true;
    },
    dropStalled() {
      for (const pipe of pipes) {
        if (!pipe.frozen) continue;
        pipes.delete(pipe);
        pipe.client.destroy();
        pipe.upstream.destroy();
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const pipe of pipes) {
          pipe.client.destroy();
          pipe.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
