/**
 * WebSocket transport: Postgres protocol bytes in binary frames, both ways, as Neon's proxy and
 * edgepg's local server expect (neon-ws-protocol.md §2). Frame boundaries carry no meaning: the
 * engine treats the received frames as one byte stream.
 *
 * Which WebSocket: the configured constructor, else the runtime's global `WebSocket`, else (in
 * Node < 22) the `ws` package, else Cloudflare's `fetch()` upgrade.
 */
import { ConnectionError } from '../core/errors.js';
import {
  type OpenSignal,
  type Transport,
  type TransportHandlers,
  unlessAborted,
  WRITE_BUFFER_BYTES,
} from './transport.js';

/** How often a writer over the limit looks at `bufferedAmount` again (no event reports it). */
const DRAIN_POLL_MS = 5;

/** The structural subset of the WHATWG WebSocket that we use. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  /** Bytes sent but not yet handed to the network (WHATWG; the `ws` package too). */
  readonly bufferedAmount?: number;
  /** Only some implementations (the `ws` package): stop and restart reading from the socket. */
  pause?(): void;
  resume?(): void;
  /** Only some implementations (the `ws` package): close the connection without a handshake. */
  terminate?(): void;
  send(data: Uint8Array | ArrayBuffer): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: string,
    listener: (event: {
      data?: unknown;
      code?: number;
      reason?: string;
      message?: string;
      error?: unknown;
    }) => void,
  ): void;
}

export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketTarget {
  host: string;
  port: number;
  /** `wss:` when true (the default), `ws:` otherwise. */
  useSecureWebSocket?: boolean;
  /** Neon's `wsProxy`: a `host:port/path` string (gets `?address=host:port`), or a function. */
  wsProxy?: string | ((host: string, port: number) => string);
  webSocketConstructor?: WebSocketConstructorLike;
}

/** Neon's URL rules (neon-ws-protocol.md §1). */
export function webSocketUrl(target: WebSocketTarget): string {
  const scheme = target.useSecureWebSocket === false ? 'ws:' : 'wss:';
  const { wsProxy, host, port } = target;
  let address: string;
  if (typeof wsProxy === 'function') address = wsProxy(host, port);
  else if (typeof wsProxy === 'string') address = `${wsProxy}?address=${host}:${port}`;
  else address = `${host}/v2`;
  return `${scheme}//${address}`;
}

async function resolveConstructor(
  explicit?: WebSocketConstructorLike,
): Promise<WebSocketConstructorLike | undefined> {
  if (explicit) return explicit;
  const global = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (global) return global;
  if (typeof process !== 'undefined' && process.versions?.node) {
    // A non-literal specifier keeps edge bundlers from pulling `ws` (a Node-only package) in.
    const name = 'ws';
    const mod = (await import(name)) as {
      WebSocket?: WebSocketConstructorLike;
      default?: WebSocketConstructorLike;
    };
    return mod.WebSocket ?? mod.default;
  }
  return undefined;
}

/** Cloudflare Workers: no WebSocket constructor for outgoing sockets, but `fetch` upgrades. */
async function openViaFetchUpgrade(url: string): Promise<WebSocketLike | undefined> {
  if (typeof fetch !== 'function') return undefined;
  const response = (await fetch(url.replace(/^ws/, 'http'), {
    headers: { Upgrade: 'websocket' },
  })) as Response & {
    webSocket?: WebSocketLike & { accept(): void };
  };
  const socket = response.webSocket;
  if (!socket) return undefined;
  socket.accept();
  return socket;
}

export async function openWebSocket(
  target: WebSocketTarget,
  handlers: TransportHandlers,
  /** Abandons the handshake (connect timeout, `end()`): the socket is closed, the call rejects. */
  signal?: OpenSignal,
): Promise<Transport> {
  const url = webSocketUrl(target);
  let socket: WebSocketLike | undefined;
  const errors: string[] = [];
  try {
    const Ctor = await resolveConstructor(target.webSocketConstructor);
    if (Ctor) socket = new Ctor(url);
  } catch (error) {
    errors.push((error as Error).message);
  }
  if (!socket) {
    try {
      socket = await openViaFetchUpgrade(url);
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  if (!socket) {
    throw new ConnectionError(
      `Could not open a WebSocket to ${redactUrl(url)}: no WebSocket implementation is available; set webSocketConstructor${errors.length ? ` (${errors.join('; ')})` : ''}`,
    );
  }
  socket.binaryType = 'arraybuffer';
  const ws = socket;
  if (signal?.aborted) {
    ws.close();
    throw signal.reason;
  }

  // The listeners go on before the handshake ends: `ws` can emit a message in the same tick as
  // 'open' (bytes that came with the upgrade response), before an awaiting caller could attach
  // one, and it would be lost. What arrives before the caller holds the transport is replayed
  // right after, in a macrotask, so the caller has wired up its engine by then.
  let early: (() => void)[] | undefined = [];
  const deliver = (event: () => void) => {
    if (early) early.push(event);
    else event();
  };
  let closed = false;
  let failure: Error | undefined;
  ws.addEventListener('message', (event) => {
    const { data } = event;
    deliver(() => {
      if (data instanceof ArrayBuffer) handlers.data(new Uint8Array(data));
      else if (ArrayBuffer.isView(data))
        handlers.data(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else {
        failure = new ConnectionError(
          'Received a text frame on the database WebSocket; only binary frames are valid',
        );
        ws.close(1003, 'binary frames only');
      }
    });
  });
  ws.addEventListener('error', (event) => {
    failure ??= new ConnectionError(`WebSocket error: ${describeEvent(event)}`);
  });
  ws.addEventListener('close', () =>
    deliver(() => {
      if (closed) return;
      closed = true;
      handlers.close(failure);
    }),
  );

  const handshake = new Promise<void>((resolve, reject) => {
    if (ws.readyState === 1) return resolve();
    let settled = false;
    ws.addEventListener('open', () => {
      settled = true;
      resolve();
    });
    ws.addEventListener('error', (event) => {
      if (settled) return;
      settled = true;
      reject(new ConnectionError(`Could not open a WebSocket to ${redactUrl(url)}: ${describeEvent(event)}`));
    });
    ws.addEventListener('close', (event) => {
      if (settled) return;
      settled = true;
      reject(
        new ConnectionError(
          `The WebSocket to ${redactUrl(url)} closed during the handshake (code ${event.code})`,
        ),
      );
    });
  });

  // Closing a WebSocket that is still connecting fails its handshake: the peer sees the close.
  await unlessAborted(signal, handshake, () => ws.close());

  // A failed handshake rejected above; its queued events are never replayed.
  setTimeout(() => {
    const queued = early ?? [];
    early = undefined;
    for (const event of queued) event();
  }, 0);

  /** One pending wait shared by every writer, settled by polling `bufferedAmount`. */
  let draining: Promise<void> | undefined;
  const overLimit = () => ws.readyState === 1 && (ws.bufferedAmount ?? 0) > WRITE_BUFFER_BYTES;
  const drained = (): Promise<void> => {
    if (!overLimit()) return Promise.resolve();
    draining ??= new Promise<void>((resolve) => {
      const check = () => {
        if (overLimit()) {
          setTimeout(check, DRAIN_POLL_MS);
          return;
        }
        draining = undefined;
        resolve();
      };
      setTimeout(check, DRAIN_POLL_MS);
    });
    return draining;
  };

  return {
    write: (data) => {
      if (ws.readyState === 1) ws.send(data);
    },
    drained,
    // The WHATWG WebSocket cannot stop reading: there received data keeps arriving (and is
    // buffered by whoever consumes it); the `ws` package pauses its socket.
    pause: () => ws.pause?.(),
    resume: () => ws.resume?.(),
    end: () => ws.close(1000),
    destroy: (error) => {
      failure ??= error;
      // Immediate where the implementation can (`ws`): a close handshake waits for the peer's
      // Close frame, which a paused socket never reads (ws then cuts it only after 30 s).
      if (ws.terminate) ws.terminate();
      else ws.close(1000);
    },
  };
}

function describeEvent(event: { message?: string; error?: unknown }): string {
  if (event.message) return event.message;
  if (event.error instanceof Error) return event.error.message;
  return 'connection failed';
}

/** Strips credentials from a URL before it goes into an error message. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//');
}
