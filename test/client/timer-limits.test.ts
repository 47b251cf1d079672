/**
 * Client-side timers hold at most 2^31 - 1 ms: above that, Node fires them after 1 ms, so a
 * "very long" timeout would time out at once. Such values are ConfigErrors when the Client or
 * Pool is built (or, for a per-query `query_timeout`, when that query is made), like the other
 * timeout options; the largest a timer can hold is accepted and works against real PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ConfigError } from '../../src/core/errors.js';
import { Pool } from '../../src/pool/pool.js';
import { clientConfig } from '../setup/pg.js';

const MAX_TIMER_MS = 2 ** 31 - 1;
const tooLong = [MAX_TIMER_MS + 1, 2 ** 40, Number.POSITIVE_INFINITY];

describe('timer options above 2^31 - 1 ms', () => {
  it.each(tooLong)('Client rejects connectionTimeoutMillis and query_timeout of %s', (ms) => {
    expect(() => new Client({ ...clientConfig(), connectionTimeoutMillis: ms })).toThrow(ConfigError);
    expect(() => new Client({ ...clientConfig(), query_timeout: ms })).toThrow(ConfigError);
  });

  it.each(tooLong)('Pool rejects its timers of %s', (ms) => {
    expect(() => new Pool({ ...clientConfig(), connectionTimeoutMillis: ms })).toThrow(ConfigError);
    expect(() => new Pool({ ...clientConfig(), idleTimeoutMillis: ms })).toThrow(ConfigError);
    expect(() => new Pool({ ...clientConfig(), query_timeout: ms })).toThrow(ConfigError);
    expect(() => new Pool({ ...clientConfig(), maxLifetimeSeconds: Math.ceil(ms / 1000) + 1 })).toThrow(
      ConfigError,
    );
  });

  it('rejects a per-query query_timeout above the limit, leaving the client usable', async () => {
    const client = new Client(clientConfig());
    await client.connect();
    await expect(
      client.query({ text: 'select 1', query_timeout: MAX_TIMER_MS + 1 } as never),
    ).rejects.toBeInstanceOf(ConfigError);
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await client.end();
  });

  it('accepts the largest value a timer holds, and it does not fire early', async () => {
    const client = new Client({
      ...clientConfig(),
      connectionTimeoutMillis: MAX_TIMER_MS,
      query_timeout: MAX_TIMER_MS,
    });
    await client.connect();
    expect((await client.query('select pg_sleep(0.05), 2 as two')).rows[0].two).toBe(2);
    await client.end();
    const pool = new Pool({
      ...clientConfig(),
      connectionTimeoutMillis: MAX_TIMER_MS,
      idleTimeoutMillis: MAX_TIMER_MS,
      maxLifetimeSeconds: Math.floor(MAX_TIMER_MS / 1000),
    });
    expect((await pool.query('select pg_sleep(0.05), 3 as three')).rows[0].three).toBe(3);
    expect(pool.totalCount).toBe(1);
    await pool.end();
  });
});
