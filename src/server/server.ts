/**
 * `startServer`: the local Neon-compatible server on one port.
 *
 * - `POST /sql` and `OPTIONS /sql`: Neon's SQL-over-HTTP (neon-http-protocol.md §2–§3).
 * - A WebSocket upgrade on any path: a Postgres session whose startup we end ourselves
 *   (neon-ws-protocol.md §3–§5), for the driver's `Pool` and `Client`.
 * - A plain Postgres connection (psql, pg, migration tools): the same session over TCP. The
 *   first byte tells them apart: a startup-phase packet begins with its int32 length, whose top
 *   byte is 0, while HTTP begins with a method name.
 *
 * Anything else gets Neon's 400 "query is not supported".
 */
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { SecureContext, TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import {
  type AccessPolicy,
  isAllowedAddress,
  isAllowedHostHeader,
  isAllowedOrigin,
  isLoopbackHost,
  isWildcardHost,
} from './access.js';
import { sendForbidden, sendNotSupported, sendPlainHttpRefusal, sendPreflight } from './http-responses.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { servePostgresSocket, serveWebSocket } from './postgres/client-adapters.js';
import { CANCEL_REQUEST_CODE } from './postgres/messages.js';
import type { PostgresSession, SessionOptions } from './postgres/session.js';
import { SqlEndpoint } from './sql/endpoint.js';
import { errorBody, SqlHttpError } from './sql/errors.js';
import { acceptTls, classifyFirstBytes, GSSENC_REFUSED, SSL_ACCEPTED } from './tls.js';
import { describeTarget } from './upstream.js';

export interface LocalServer {
  /** The address listened on, e.g. 127.0.0.1. */
  readonly host: string;
  readonly port: number;
  /** Base URL for clients, e.g. `http://localhost:4444`. */
  readonly url: string;
  /** The `/sql` endpoint: `neonConfig.fetchEndpoint` when it is not derived from the host. */
  readonly sqlUrl: string;
  /** A WebSocket URL for the Postgres endpoint (any path works). */
  readonly wsUrl: string;
  /**
   * A connection string that points at this server, for `neon()`, `Pool`, `Client`, pg and psql.
   * With the local-endpoint convention (README, "Local development") the driver derives the
   * HTTP and WebSocket endpoints from its host and port.
   */
  connectionString(credentials: { user: string; password?: string; database?: string }): string;
  /** Stops listening, ends every session and closes every pooled connection. Idempotent. */
  close(): Promise<void>;
}

/** What a TLS-only server tells clients that connect without TLS. */
const PLAIN_POSTGRES_REFUSAL = {
  code: '28000',
  message: 'edgepg: this server accepts TLS connections only; connect with sslmode=require (pg: ssl)',
};
const PLAIN_WEBSOCKET_REFUSAL = {
  code: '28000',
  message:
    'edgepg: this server accepts TLS connections only; use wss:// (neonConfig.useSecureWebSocket = true)',
};

/** A connection that has not said anything yet is dropped after this long. */
const FIRST_BYTE_TIMEOUT_MS = 30_000;
/** Idle time before the OS starts probing a client's TCP connection. */
const TCP_KEEP_ALIVE_MS = 30_000;
/** Idle keep-alive HTTP connections are kept this long (Node's default is 5 s). */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export async function startServer(options: ServerOptions): Promise<LocalServer> {
  const config = resolveOptions(options);
  const { log } = config;
  const sessions = new Set<PostgresSession>();
  const sockets = new Set<Socket>();
  /** `address:port` of each connection's client, for log lines (a TLS socket has none of its own). */
  const peers = new WeakMap<Socket, string>();
  const secureContext = config.tls;
  const policy: AccessPolicy = {
    bindHost: config.host,
    serverPort: config.port,
    upstream: config.upstream,
    allowedHosts: config.allowedHosts,
    allowedOrigins: config.allowedOrigins,
  };
  const sql = new SqlEndpoint(config);
  const sessionOptions = (refusal?: SessionOptions['refusal']): SessionOptions => ({
    upstream: config.upstream,
    log,
    scramMaxIterations: config.scramMaxIterations,
    refusal,
  });
  const track = (session: PostgresSession): void => {
    if (session.isClosed) return;
    sessions.add(session);
    session.onClose(() => sessions.delete(session));
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const { host, origin } = req.headers;
    if (secureContext && !isEncrypted(req.socket)) {
      log.debug(`refused a plain HTTP request from ${peers.get(req.socket)}`);
      sendPlainHttpRefusal(res);
      return;
    }
    if (!isAllowedHostHeader(policy, host)) {
      log.warn(`refused an HTTP request for Host ${JSON.stringify(host)}`);
      sendForbidden(
        res,
        `Host ${JSON.stringify(host)} does not name this server; allow it with --allow-host`,
      );
      return;
    }
    if (!isAllowedOrigin(policy, origin)) {
      log.warn(`refused a browser request from ${origin}`);
      sendForbidden(res, `browser requests from ${origin} are not allowed; allow it with --allow-origin`);
      return;
    }
    const url = req.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (path === '/sql' && req.method === 'POST') {
      sql.handle(req, res);
    } else if (path === '/sql' && req.method === 'OPTIONS') {
      sendPreflight(res);
    } else {
      sendNotSupported(res);
    }
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.maxWebSocketMessageBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const onUpgrade = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const { host, origin } = req.headers;
    if (!isAllowedOrigin(policy, origin)) {
      // A web page, not a misconfigured app: it gets no socket at all.
      log.warn(`refused a WebSocket from browser origin ${origin}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // Misconfigurations are answered inside the protocol, where the driver shows the message.
    let refusal: SessionOptions['refusal'];
    const address = addressParameter(req.url);
    if (secureContext && !isEncrypted(socket)) {
      refusal = PLAIN_WEBSOCKET_REFUSAL;
    } else if (!isAllowedHostHeader(policy, host)) {
      refusal = {
        code: '08004',
        message: `edgepg: Host ${JSON.stringify(host)} does not name this server; allow it with --allow-host`,
      };
    } else if (address !== undefined && !isAllowedAddress(policy, address)) {
      refusal = {
        code: '08004',
        message:
          `edgepg: refusing to connect to ${address}: this server only connects to its upstream ` +
          `${describeTarget(config.upstream)}. Point the connection string at the upstream or at this server.`,
      };
    }
    const label = `ws${isEncrypted(socket) ? 's' : ''} ${peers.get(socket)}`;
    wss.handleUpgrade(req, socket, head, (ws) =>
      track(serveWebSocket(ws, label, sessionOptions(refusal), config.webSocketPingMillis)),
    );
  };

  const http = createHttpServer(
    {
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      requestTimeout: config.requestTimeoutMillis,
      headersTimeout: config.requestTimeoutMillis,
      // Node checks these timeouts on this interval (30 s by default): a fraction of the timeout.
      connectionsCheckingInterval: Math.min(5_000, Math.max(50, config.requestTimeoutMillis / 4)),
    },
    onRequest,
  );
  // Node starts enforcing requestTimeout / headersTimeout when an HTTP server starts listening.
  // This one never listens itself (the sniffing server below hands it its connections): start it.
  http.emit('listening');
  http.on('upgrade', onUpgrade);
  http.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    // As Node's default, but with a JSON body: oversized headers, a request too slow to arrive
    // or a malformed one get an answer (431 / 408 / 400) unless a response is already under way.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    // A HEAD response has no body: a client would read one as the next response.
    const head = (error as { rawPacket?: Buffer }).rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
    const status =
      error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    socket.end(rawErrorResponse(status, error.code, head));
  });

  const onConnection = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    // Lets the OS notice a vanished client of a long-lived TCP session (WebSockets are pinged too).
    socket.setKeepAlive(true, TCP_KEEP_ALIVE_MS);
    peers.set(socket, `${socket.remoteAddress}:${socket.remotePort}`);
    if (!config.postgresProtocol && !secureContext) {
      http.emit('connection', socket);
      return;
    }
    route(socket, false);
  };

  /**
   * Hands a connection to HTTP, to a Postgres session or to TLS by its first bytes; a TLS
   * session's decrypted stream comes back here with `secure` set.
   */
  const route = (socket: Socket, secure: boolean): void => {
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    readFirstBytes(socket, (first: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      const peer = peers.get(socket);
      const kind = classifyFirstBytes(first);
      if (kind === 'tls') {
        if (!secureContext || secure) {
          // https:// or sslnegotiation=direct to a server without TLS, or TLS inside TLS.
          log.debug(
            `tcp ${peer}: TLS handshake but ${secure ? 'already encrypted' : 'TLS is not configured'}, closing`,
          );
          socket.destroy();
          return;
        }
        route(startTls(socket, peer, first), true);
        return;
      }
      const postgres = kind !== 'http' && config.postgresProtocol;
      if (postgres && secureContext && !secure && kind !== 'postgres') {
        if (first.length > 8) {
          // Bytes sent behind the request would be read as if they came through TLS (CVE-2021-23214).
          log.warn(`tcp ${peer}: data after an SSLRequest or GSSENCRequest before the answer, closing`);
          socket.destroy();
          return;
        }
        if (kind === 'gssenc-request') {
          socket.write(GSSENC_REFUSED);
          route(socket, false);
          socket.resume();
        } else {
          socket.write(SSL_ACCEPTED);
          route(startTls(socket, peer), true);
        }
        return;
      }
      if (postgres) {
        // Without TLS the session itself answers an SSLRequest 'N'. A TLS-only server refuses a
        // plain startup, but not a CancelRequest: it carries no password, as Postgres allows.
        const plain = secureContext !== undefined && !secure && !isCancelRequest(first);
        const session = servePostgresSocket(
          socket,
          `tcp${secure ? 's' : ''} ${peer}`,
          sessionOptions(plain ? PLAIN_POSTGRES_REFUSAL : undefined),
        );
        track(session);
        session.clientData(first);
      } else {
        socket.unshift(first);
        http.emit('connection', socket);
      }
      socket.resume();
    });
  };

  const startTls = (socket: Socket, peer: string | undefined, head?: Buffer): Socket => {
    const secure = acceptTls(socket, secureContext as SecureContext, head);
    // Typically a client that does not trust the certificate (it sends an alert and closes).
    secure.once('error', (error) => log.debug(`tls ${peer}: ${error.message}`));
    peers.set(secure, peer ?? '');
    sockets.add(secure);
    secure.once('close', () => sockets.delete(secure));
    return secure;
  };

  const server = createNetServer(onConnection);
  await listen(server, config.port, config.host);
  const port = (server.address() as AddressInfo).port;
  policy.serverPort = port;

  const urlHost =
    isLoopbackHost(config.host) || isWildcardHost(config.host) ? 'localhost' : bracket(config.host);
  const url = `${secureContext ? 'https' : 'http'}://${urlHost}:${port}`;
  log.info(
    `listening on ${url} (${secureContext ? 'TLS only: HTTPS /sql, WSS' : 'HTTP /sql, WebSocket'}${config.postgresProtocol ? ', Postgres' : ''}); upstream ${describeTarget(config.upstream)}`,
  );
  if (!isLoopbackHost(config.host) && !secureContext) {
    log.warn(
      `edgepg server is listening on ${config.host}: it is reachable from other machines and ` +
        'passwords travel in cleartext; use it for development only',
    );
  }

  let closing: Promise<void> | undefined;
  return {
    host: config.host,
    port,
    url,
    sqlUrl: `${url}/sql`,
    wsUrl: `${secureContext ? 'wss' : 'ws'}://${urlHost}:${port}/v2`,
    connectionString({ user, password, database }) {
      const auth = password === undefined ? enc(user) : `${enc(user)}:${enc(password)}`;
      return `postgresql://${auth}@${urlHost}:${port}/${enc(database ?? user)}`;
    },
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const session of [...sessions]) session.close();
        for (const socket of sockets) socket.destroy();
        wss.close();
        http.close(); // stops the timeout checks; it has no listener of its own to close
        await sql.close();
        await closed;
        log.info('stopped');
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The first bytes of a connection, enough to classify them: a startup-phase packet (first byte
 * 0) is read until its 8-byte header is in, as an SSLRequest may arrive split across segments
 * (classified on its first half it would be a plain startup, refused by a TLS-only server).
 */
function readFirstBytes(socket: Socket, done: (first: Buffer) => void): void {
  let first: Buffer | undefined;
  const onData = (chunk: Buffer) => {
    first = first === undefined ? chunk : Buffer.concat([first, chunk]);
    if (first[0] === 0 && first.length < 8) return;
    socket.off('data', onData);
    done(first);
  };
  socket.on('data', onData);
}

function isEncrypted(socket: Socket): boolean {
  return (socket as Partial<TLSSocket>).encrypted === true;
}

function isCancelRequest(packet: Buffer): boolean {
  return packet.length >= 8 && packet.readInt32BE(4) === CANCEL_REQUEST_CODE;
}

/** The `address` query parameter of a WebSocket URL, if any. */
function addressParameter(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  return new URLSearchParams(url.slice(query + 1)).get('address') ?? undefined;
}

/** A whole HTTP/1.1 error response with the 17-key JSON body, for sockets the parser gave up on. */
function rawErrorResponse(status: 400 | 408 | 431, code: string | undefined, head: boolean): string {
  const message =
    status === 431
      ? 'request header fields too large'
      : status === 408
        ? 'request timed out: the whole request must arrive within requestTimeoutMillis'
        : `bad request${code ? ` (${code})` : ''}`;
  const body = errorBody(new SqlHttpError(status, message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
    `Access-Control-Allow-Origin: *\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${head ? '' : body}`
  );
}

const enc = encodeURIComponent;

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
