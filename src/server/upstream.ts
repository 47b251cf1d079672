/**
 * The one Postgres this server forwards to, and the raw socket to it used by the byte pipes
 * (WebSocket and TCP sessions). The pipes need the socket itself, not `openTcp`'s transport,
 * for back-pressure: `write()`'s return value, 'drain', pause and resume.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { SslConfig } from '../core/connection-parameters.js';
import { ConfigError, ConnectionError } from '../core/errors.js';
import { negotiateTls } from '../transport/tcp.js';
import type { TcpTarget } from '../transport/transport.js';

export interface UpstreamTarget extends TcpTarget {
  host: string;
  port: number;
  ssl: boolean | SslConfig;
  /** From the upstream URL, for printing example connection strings; never sent anywhere. */
  user?: string;
  password?: string;
  database?: string;
}

const SSL_MODES_WITH_TLS = new Set(['require', 'verify-ca', 'verify-full', 'no-verify']);

/**
 * Reads `postgres://[user[:password]@]host[:port][/database][?sslmode=…]` or an object.
 * Only host, port and TLS decide where the server connects; credentials are the clients' own.
 */
export function parseUpstream(upstream: string | Partial<UpstreamTarget>): UpstreamTarget {
  if (typeof upstream !== 'string') {
    if (!upstream.host) throw new ConfigError('The upstream needs a host');
    return { ...upstream, host: upstream.host, port: upstream.port ?? 5432, ssl: upstream.ssl ?? false };
  }
  let url: URL;
  try {
    url = new URL(upstream);
  } catch {
    throw new ConfigError(
      'The upstream is not a valid URL: expected postgres://[user:password@]host[:port][/database]',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      `The upstream URL must start with postgres:// or postgresql://, not ${url.protocol}//`,
    );
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConfigError('The upstream URL has no host');
  const port = url.port === '' ? 5432 : Number(url.port);
  const sslmode = url.searchParams.get('sslmode');
  const ssl: UpstreamTarget['ssl'] =
    sslmode === 'no-verify' ? { rejectUnauthorized: false } : SSL_MODES_WITH_TLS.has(sslmode ?? '');
  const database = decodeURIComponent(url.pathname.slice(1));
  const target: UpstreamTarget = {
    host,
    port,
    ssl,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    database: database || undefined,
  };
  // Not enumerable, as the driver's: it stays out of JSON.stringify and util.inspect of the config.
  Object.defineProperty(target, 'password', {
    value: url.password ? decodeURIComponent(url.password) : undefined,
    enumerable: false,
  });
  return target;
}

/** A connected socket to the upstream, after TLS negotiation when the upstream asks for it. */
export async function connectUpstream(target: UpstreamTarget): Promise<Socket> {
  const socket = await new Promise<Socket>((resolve, reject) => {
    const s = netConnect({ host: target.host, port: target.port });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', (error) =>
      reject(
        new ConnectionError(
          `could not connect to the upstream PostgreSQL at ${describeTarget(target)}: ${error.message}`,
          {
            cause: error,
          },
        ),
      ),
    );
  });
  socket.setNoDelay(true);
  if (!target.ssl) return socket;
  return negotiateTls(socket, target);
}

/**
 * Sends a CancelRequest packet to the upstream on a connection of its own. Postgres answers
 * nothing and closes; failures are only worth a log line, so they are returned, not thrown.
 */
export async function sendCancel(target: UpstreamTarget, packet: Uint8Array): Promise<Error | undefined> {
  try {
    const socket = await connectUpstream(target);
    socket.on('error', () => {});
    socket.end(packet);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

export function describeTarget(target: { host: string; port: number }): string {
  return `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
}
