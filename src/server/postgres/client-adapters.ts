/**
 * The two carriers of a Postgres session: a WebSocket (binary frames, boundaries meaningless,
 * neon-ws-protocol.md §2) and a plain TCP socket on the same port. Each maps its events onto
 * `PostgresSession` and its flow control onto `ClientConnection`.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { type ClientConnection, PostgresSession, type SessionOptions } from './session.js';

/** Past this many unsent bytes the upstream is paused until the client catches up. */
const HIGH_WATER_BYTES = 1024 * 1024;
const LOW_WATER_BYTES = 256 * 1024;
/** How long a closing WebSocket may wait for the peer's Close frame before it is cut. */
const CLOSE_GRACE_MS = 2_000;

export function serveWebSocket(
  ws: WebSocket,
  label: string,
  options: SessionOptions,
  pingMillis = 0,
): PostgresSession {
  let waitingForDrain = false;
  // One callback for every send: no closure allocated per frame.
  const onSent = (): void => {
    if (waitingForDrain && ws.bufferedAmount <= LOW_WATER_BYTES) {
      waitingForDrain = false;
      session.clientDrained();
    }
  };
  const client: ClientConnection = {
    label,
    write(bytes) {
      if (ws.readyState !== ws.OPEN) return true;
      ws.send(bytes, { binary: true }, onSent);
      if (ws.bufferedAmount > HIGH_WATER_BYTES) {
        waitingForDrain = true;
        return false;
      }
      return true;
    },
    end() {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
      setTimeout(() => ws.terminate(), CLOSE_GRACE_MS).unref();
    },
    destroy: () => ws.terminate(),
    pause: () => ws.pause(),
    resume: () => ws.resume(),
  };
  const session = new PostgresSession(client, options);
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      // As Neon's proxy: the protocol travels in binary frames only.
      options.log.debug(`${label}: text frame received, closing`);
      ws.close(1003, 'unexpected text message in the websocket');
      session.clientClosed();
      return;
    }
    session.clientData(data as Buffer);
  });
  ws.on('close', () => session.clientClosed());
  ws.on('error', () => {}); // 'close' follows
  if (pingMillis > 0) keepPinging(ws, label, options, pingMillis);
  return session;
}

/**
 * Pings every `pingMillis`; a peer that has not answered the previous ping by then is gone
 * (half-open: no FIN, no RST) and its WebSocket is cut, which ends the session and frees its
 * upstream connection.
 */
function keepPinging(ws: WebSocket, label: string, options: SessionOptions, pingMillis: number): void {
  let answered = true;
  ws.on('pong', () => {
    answered = true;
  });
  const timer = setInterval(() => {
    if (!answered) {
      options.log.debug(`${label}: no answer to a ping, closing`);
      ws.terminate();
      return;
    }
    answered = false;
    ws.ping();
  }, pingMillis);
  timer.unref();
  ws.once('close', () => clearInterval(timer));
}

export function servePostgresSocket(socket: Socket, label: string, options: SessionOptions): PostgresSession {
  const client: ClientConnection = {
    label,
    write: (bytes) => socket.write(bytes),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    pause: () => socket.pause(),
    resume: () => socket.resume(),
  };
  const session = new PostgresSession(client, options);
  socket.on('data', (chunk: Buffer) => session.clientData(chunk));
  socket.on('drain', () => session.clientDrained());
  socket.on('close', () => session.clientClosed());
  socket.on('error', () => {}); // 'close' follows
  return session;
}
