/**
 * `neonConfig.poolQueryViaFetch`: pool.query() over HTTP (Neon's rule), against the local
 * Neon-compatible server in front of the test PostgreSQL; and the WebSocket/TCP path when off.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { neonConfig } from '../../src/core/neon-config.js';
import { NeonDbError } from '../../src/http/index.js';
import { Pool } from '../../src/pool/pool.js';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { credentials, pgInfo } from '../setup/pg.js';

let server: LocalServer;
let config: { host: string; port: number; user: string; password: string; database: string };
beforeAll(async () => {
  const info = pgInfo();
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  const { user, password } = credentials('scram');
  config = { host: '127.0.0.1', port: server.port, user, password: password ?? '', database: info.database };
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  neonConfig.poolQueryViaFetch = undefined as unknown as boolean;
  neonConfig.fetchEndpoint = undefined as unknown as string;
});

describe('poolQueryViaFetch', () => {
  it('on: pool.query goes over HTTP and opens no connection', async () => {
    neonConfig.poolQueryViaFetch = true;
    neonConfig.fetchEndpoint = server.sqlUrl;
    const pool = new Pool(config);
    pool.on('error', () => {}); // 'error' listeners are allowed
    const result = await pool.query('select $1::int as n', [7]);
    expect(result.rows).toEqual([{ n: 7 }]);
    expect((result as unknown as { viaNeonFetch: boolean }).viaNeonFetch).toBe(true);
    const arrays = await pool.query({ text: 'select $1::int as n', values: [8], rowMode: 'array' });
    expect(arrays.rows).toEqual([[8]]);
    const viaCallback = await new Promise((resolve, reject) =>
      pool.query('select 9 as n', (err, res) => (err ? reject(err) : resolve(res.rows))),
    );
    expect(viaCallback).toEqual([{ n: 9 }]);
    const error = await pool.query('select 1/0').catch((e: Error) => e);
    expect(error).toBeInstanceOf(NeonDbError);
    expect((error as NeonDbError).code).toBe('22012');
    expect(pool.totalCount).toBe(0);
    await pool.end();
  });

  it('on, but a non-error listener was added: the pooled connection is used', async () => {
    neonConfig.poolQueryViaFetch = true;
    neonConfig.fetchEndpoint = server.sqlUrl;
    const pool = new Pool(config);
    pool.on('connect', () => {});
    const result = await pool.query('select 1 as n');
    expect((result as unknown as { viaNeonFetch?: boolean }).viaNeonFetch).toBeUndefined();
    expect(pool.totalCount).toBe(1);
    await pool.end();
  });

  it('off (the default): the pooled connection is used', async () => {
    const pool = new Pool(config);
    const result = await pool.query('select 1 as n');
    expect(result.rows).toEqual([{ n: 1 }]);
    expect((result as unknown as { viaNeonFetch?: boolean }).viaNeonFetch).toBeUndefined();
    expect(pool.totalCount).toBe(1);
    await pool.end();
  });
});
