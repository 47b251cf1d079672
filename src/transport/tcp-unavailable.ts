/**
 * Stands in for the TCP transport on runtimes without TCP sockets (browsers, Cloudflare Workers,
 * Vercel Edge): package.json maps `#tcp` here for every condition but `node`, so bundlers for
 * those targets never see `node:net` / `node:tls`.
 */
import { ConfigError } from '../core/errors.js';
import type { OpenSignal, TcpTarget, Transport, TransportHandlers } from './transport.js';

export async function openTcp(
  _target: TcpTarget,
  _handlers: TransportHandlers,
  _signal?: OpenSignal,
): Promise<Transport> {
  throw new ConfigError(
    'TCP connections are not available in this runtime: connect over WebSocket instead (set wsProxy or webSocketConstructor, or transport: "websocket")',
  );
}
