/**
 * The transports every Client suite runs over: TCP straight to PostgreSQL, and WebSocket
 * through a byte relay (and, once it lands, through the local server).
 */
import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import type { ClientConfig } from '../../src/client/client.js';
import { clientConfig, type PgRole, pgInfo } from '../setup/pg.js';
import { type Relay, startRelay } from './ws-relay.js';

export const transports = ['tcp', 'websocket'] as const;
export type TransportName = (typeof transports)[number];

/**
 * Registers the set-up hooks in the calling file and returns a function that builds a
 * ClientConfig for a transport and role (valid inside tests, after the hooks ran).
 */
export function useTransports(): (transport: TransportName, role?: PgRole) => ClientConfig {
  let relay: Relay | undefined;
  beforeAll(async () => {
    const info = pgInfo();
    relay = await startRelay({ host: info.host, port: info.port });
  });
  afterAll(async () => {
    await relay?.close();
  });
  return (transport, role = 'superuser') => {
    if (transport === 'tcp') return { ...clientConfig(role), transport: 'tcp' };
    if (!relay) throw new Error('useTransports(): the relay is not running (call inside a test)');
    return {
      ...clientConfig(role),
      wsProxy: relay.proxy,
      useSecureWebSocket: false,
      webSocketConstructor: WebSocket as unknown as ClientConfig['webSocketConstructor'],
    };
  };
}
