/**
 * The access policy (pure) and its use by the server: foreign Host headers and browser origins
 * are refused, loopback and configured ones accepted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type AccessPolicy,
  isAllowedAddress,
  isAllowedHostHeader,
  isAllowedOrigin,
  isLoopbackHost,
  parseHostPort,
} from '../../src/server/access.js';
import { pointNeonAt, startTestServer, type TestServer } from './helpers.js';

const policy: AccessPolicy = {
  bindHost: '127.0.0.1',
  serverPort: 4444,
  upstream: { host: '127.0.0.1', port: 5432 },
  allowedHosts: ['db.localtest.me'],
  allowedOrigins: ['https://app.example'],
};

describe('access policy', () => {
  it('parses host[:port] forms', () => {
    expect(parseHostPort('LocalHost:4444')).toEqual({ host: 'localhost', port: 4444 });
    expect(parseHostPort('[::1]:5432')).toEqual({ host: '::1', port: 5432 });
    expect(parseHostPort('::1')).toEqual({ host: '::1', port: undefined });
    expect(parseHostPort('db')).toEqual({ host: 'db', port: undefined });
    expect(parseHostPort('db:x')).toBeUndefined();
  });

  it('knows loopback names', () => {
    for (const host of [
      'localhost',
      'app.localhost',
      '127.0.0.1',
      '127.1.2.3',
      '::1',
      '[::1]',
      '::ffff:127.0.0.1',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['localhost.evil.com', '10.0.0.1', 'example.com', '0.0.0.0']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });

  it('Host: loopback names, the bind address and allowedHosts; anything when bound to a wildcard', () => {
    expect(isAllowedHostHeader(policy, undefined)).toBe(true);
    expect(isAllowedHostHeader(policy, 'localhost:4444')).toBe(true);
    expect(isAllowedHostHeader(policy, 'db.localtest.me:4444')).toBe(true);
    expect(isAllowedHostHeader(policy, 'evil.example:4444')).toBe(false);
    expect(isAllowedHostHeader({ ...policy, bindHost: '0.0.0.0' }, 'my-laptop.lan:4444')).toBe(true);
    expect(isAllowedHostHeader({ ...policy, allowedHosts: ['*'] }, 'anything')).toBe(true);
  });

  it('Origin: none, loopback pages and allowedOrigins', () => {
    expect(isAllowedOrigin(policy, undefined)).toBe(true);
    expect(isAllowedOrigin(policy, 'http://localhost:3000')).toBe(true);
    expect(isAllowedOrigin(policy, 'https://127.0.0.1')).toBe(true);
    expect(isAllowedOrigin(policy, 'https://app.example')).toBe(true);
    expect(isAllowedOrigin(policy, 'https://evil.example')).toBe(false);
    expect(isAllowedOrigin(policy, 'null')).toBe(false);
    expect(isAllowedOrigin({ ...policy, allowedOrigins: '*' }, 'https://evil.example')).toBe(true);
  });

  it('address=: the upstream or this server, default port 5432', () => {
    expect(isAllowedAddress(policy, '127.0.0.1:5432')).toBe(true);
    expect(isAllowedAddress(policy, 'localhost')).toBe(true);
    expect(isAllowedAddress(policy, 'localhost:4444')).toBe(true);
    expect(isAllowedAddress(policy, '[::1]:4444')).toBe(true);
    expect(isAllowedAddress(policy, 'db.localtest.me:5433')).toBe(true);
    expect(isAllowedAddress(policy, 'localhost:5433')).toBe(false);
    expect(isAllowedAddress(policy, 'ep-cool.us-east-2.aws.neon.tech:5432')).toBe(false);
    expect(isAllowedAddress(policy, '10.0.0.5:5432')).toBe(false);
  });
});

describe('the server applies it', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ allowedOrigins: ['https://app.example'] });
  });
  afterAll(async () => {
    await t.server.close();
  });

  const post = (headers: Record<string, string>) =>
    fetch(t.server.sqlUrl, {
      method: 'POST',
      headers: { 'Neon-Connection-String': t.url('scram'), ...headers },
      body: '{"query":"select 1"}',
    });

  it('refuses browser requests from other origins with 403, and serves allowed ones', async () => {
    const refused = await post({ Origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect((await refused.json()).message).toContain('https://evil.example');
    expect((await post({ Origin: 'http://localhost:5173' })).status).toBe(200);
    expect((await post({ Origin: 'https://app.example' })).status).toBe(200);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: t.server.port,
          path: '/sql',
          method: 'POST',
          headers: { Host: 'rebound.evil.example', 'Neon-Connection-String': t.url('scram') },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode);
        },
      );
      req.on('error', reject);
      req.end('{"query":"select 1"}');
    });
    expect(status).toBe(403);
  });

  it('refuses a WebSocket from a foreign browser origin before upgrading', async () => {
    const ws = new WebSocket(`ws://localhost:${t.server.port}/v2`, { origin: 'https://evil.example' });
    const error = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(error.message).toContain('403');
  });

  it('a WebSocket with a foreign Host header gets a FATAL error it can show', async () => {
    const restore = pointNeonAt();
    try {
      const { neonConfig, Client } = await import('@neondatabase/serverless');
      neonConfig.wsProxy = () => `localhost:${t.server.port}/v2`;
      class RebindingSocket extends WebSocket {
        constructor(url: string) {
          super(url, { headers: { Host: 'rebound.evil.example' } });
        }
      }
      neonConfig.webSocketConstructor = RebindingSocket as unknown as typeof WebSocket;
      const client = new Client(t.url('scram'));
      client.on('error', () => {});
      const error = await client
        .connect()
        .then(() => client.query('select 1'))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(error?.message).toContain('does not name this server');
    } finally {
      restore();
    }
  });
});
