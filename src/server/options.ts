/**
 * `startServer` options and their defaults, resolved once per server.
 */

import type { SecureContext } from 'node:tls';
import { ConfigError } from '../core/errors.js';
import { MAX_TIMER_MS } from '../core/timer-limit.js';
import { Logger, type LogSink } from './log.js';
import { type TlsOptions, tlsContext } from './tls.js';
import { parseUpstream, type UpstreamTarget } from './upstream.js';

/** The port `edgepg dev` and `edgepg serve` listen on unless told otherwise. */
export const DEFAULT_PORT = 4444;
/** Neon's defaults for `--sql-over-http-max-request-size-bytes` and `…-max-response-size-bytes`. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface PoolOptions {
  /** Most upstream connections per (user, password, database); more requests wait. Default 20 (Neon's). */
  maxConnectionsPerKey?: number;
  /** Idle pooled connections are closed after this long. Default 60 s. */
  idleTimeoutMillis?: number;
}

export interface ServerOptions {
  /** The Postgres to serve: `postgres://host:port[?sslmode=require]` or `{ host, port, ssl }`. */
  upstream: string | Partial<UpstreamTarget>;
  /** Default 4444; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Anything else exposes the server (and cleartext passwords) to the network. */
  host?: string;
  /** Largest `/sql` request body (413 beyond). Default 10 MiB. */
  maxRequestBytes?: number;
  /** Largest `/sql` response body (507 beyond). Default 10 MiB. */
  maxResponseBytes?: number;
  /**
   * Largest WebSocket message. Default 64 MiB: the driver coalesces a tick's writes into one
   * frame, so a bulk insert can legitimately send large frames.
   */
  maxWebSocketMessageBytes?: number;
  pool?: PoolOptions;
  /**
   * A whole HTTP request, headers and body, must arrive within this long; a slower one gets a
   * 408 and its connection is closed (slowloris). Default 60 s.
   */
  requestTimeoutMillis?: number;
  /**
   * Each WebSocket session is pinged this often and closed when a ping goes unanswered until the
   * next one, so a half-open connection cannot hold its upstream connection. Default 30 s; 0 never.
   */
  webSocketPingMillis?: number;
  /** Extra names accepted in the Host header and in `address=` (e.g. `db.localtest.me`); '*' for any. */
  allowedHosts?: string[];
  /** Browser origins allowed besides loopback ones (`http://localhost:3000` is always fine), or '*'. */
  allowedOrigins?: string[] | '*';
  /** Also speak the plain Postgres protocol on the same port (psql, pg, migration tools). Default true. */
  postgresProtocol?: boolean;
  /**
   * Serve HTTPS, WSS and Postgres-over-TLS with this certificate and key (PEM text). The server
   * then accepts encrypted clients only: plain HTTP, WebSocket and Postgres connections are refused.
   */
  tls?: TlsOptions;
  /** Log sink; nothing is logged without one. */
  log?: LogSink;
  /** Log one line per request and per session. */
  verbose?: boolean;
  /** Highest SCRAM iteration count accepted from the upstream. */
  scramMaxIterations?: number;
}

export interface ResolvedOptions {
  upstream: UpstreamTarget;
  port: number;
  host: string;
  maxRequestBytes: number;
  maxResponseBytes: number;
  maxWebSocketMessageBytes: number;
  maxConnectionsPerKey: number;
  idleTimeoutMillis: number;
  requestTimeoutMillis: number;
  webSocketPingMillis: number;
  allowedHosts: string[];
  allowedOrigins: string[] | '*';
  postgresProtocol: boolean;
  /** The certificate and key, loaded; the key's text is not kept. */
  tls: SecureContext | undefined;
  log: Logger;
  scramMaxIterations: number | undefined;
}

function positiveInteger(
  name: string,
  value: number | undefined,
  fallback: number,
  allowZero = false,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ConfigError(
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${value}`,
    );
  }
  return value;
}

/** A duration for a timer: a positive integer (or 0 when allowed) no longer than a timer holds. */
function timerMillis(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  const ms = positiveInteger(name, value, fallback, allowZero);
  if (ms > MAX_TIMER_MS) throw new ConfigError(`${name} must be at most ${MAX_TIMER_MS} ms, got ${ms}`);
  return ms;
}

export function resolveOptions(options: ServerOptions): ResolvedOptions {
  if (!options || options.upstream === undefined) {
    throw new ConfigError('startServer needs an upstream: { upstream: "postgres://localhost:5432" }');
  }
  const port = positiveInteger('port', options.port, DEFAULT_PORT, true);
  if (port > 65535) throw new ConfigError(`port must be at most 65535, got ${port}`);
  return {
    upstream: parseUpstream(options.upstream),
    port,
    host: options.host ?? '127.0.0.1',
    maxRequestBytes: positiveInteger('maxRequestBytes', options.maxRequestBytes, DEFAULT_MAX_BODY_BYTES),
    maxResponseBytes: positiveInteger('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_BODY_BYTES),
    maxWebSocketMessageBytes: positiveInteger(
      'maxWebSocketMessageBytes',
      options.maxWebSocketMessageBytes,
      64 * 1024 * 1024,
    ),
    maxConnectionsPerKey: positiveInteger(
      'pool.maxConnectionsPerKey',
      options.pool?.maxConnectionsPerKey,
      20,
    ),
    idleTimeoutMillis: timerMillis('pool.idleTimeoutMillis', options.pool?.idleTimeoutMillis, 60_000),
    requestTimeoutMillis: timerMillis('requestTimeoutMillis', options.requestTimeoutMillis, 60_000),
    webSocketPingMillis: timerMillis('webSocketPingMillis', options.webSocketPingMillis, 30_000, true),
    allowedHosts: options.allowedHosts ?? [],
    allowedOrigins: options.allowedOrigins ?? [],
    postgresProtocol: options.postgresProtocol ?? true,
    tls: tlsContext(options.tls),
    log: new Logger(options.log, options.verbose ?? false),
    scramMaxIterations: options.scramMaxIterations,
  };
}
