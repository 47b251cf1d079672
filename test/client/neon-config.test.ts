/**
 * neonConfig's socket options, global and per client (Neon's `client.neonConfig`), decide the
 * transport and its URL; explicit constructor options win over both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Client } from '../../src/client/client.js';
import { neonConfig } from '../../src/core/neon-config.js';
import { clientConfig, pgInfo } from '../setup/pg.js';
import { startRelay } from '../support/ws-relay.js';

afterEach(() => {
  neonConfig.webSocketConstructor = undefined;
  neonConfig.wsProxy = undefined;
  neonConfig.useSecureWebSocket = undefined as unknown as boolean;
  neonConfig.coalesceWrites = undefined as unknown as boolean;
});

describe('neonConfig socket options', () => {
  it('a global webSocketConstructor + wsProxy sends Clients over WebSocket', async () => {
    const info = pgInfo();
    const relay = await startRelay({ host: info.host, port: info.port });
    try {
      neonConfig.webSocketConstructor = WebSocket;
      neonConfig.wsProxy = relay.proxy;
      neonConfig.useSecureWebSocket = false;
      const client = new Client(clientConfig('scram'));
      expect(client.transportKind).toBe('websocket');
      await client.connect();
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      await client.end();
      expect(relay.connections).toBeGreaterThan(0);
    } finally {
      await relay.close();
    }
  });

  it('client.neonConfig overrides the global per client, and constructor options override both', async () => {
    const info = pgInfo();
    const relay = await startRelay({ host: info.host, port: info.port });
    try {
      const client = new Client(clientConfig('password'));
      expect(client.transportKind).toBe('tcp');
      client.neonConfig.webSocketConstructor = WebSocket;
      client.neonConfig.wsProxy = (_host: string, _port: number | string) => relay.proxy;
      client.neonConfig.useSecureWebSocket = false;
      client.neonConfig.coalesceWrites = false;
      expect(client.transportKind).toBe('websocket');
      await client.connect();
      const results = await Promise.all([client.query('select 1 as a'), client.query('select 2 as b')]);
      expect(results.map((r) => r.rows[0])).toEqual([{ a: 1 }, { b: 2 }]);
      await client.end();

      const explicit = new Client({ ...clientConfig('password'), transport: 'tcp' });
      explicit.neonConfig.wsProxy = relay.proxy;
      expect(explicit.transportKind).toBe('tcp');
    } finally {
      await relay.close();
    }
  });
});
