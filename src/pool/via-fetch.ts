/**
 * `neonConfig.poolQueryViaFetch` (experimental in Neon 1.2.0): `pool.query()` goes over HTTP with
 * `neon()` instead of a pooled connection, as `@neondatabase/serverless`'s `Pool.query` does:
 *
 * - only while no listener other than `'error'` was ever added with `on`/`addListener`/`once`;
 * - the connection string is rebuilt from the pool's options as
 *   `postgresql://enc(user):enc(password)@enc(host)/encodeURI(database)`, dropping the port (so a
 *   local endpoint has to come from `neonConfig.fetchEndpoint`);
 * - `fullResults: true`, `arrayMode` from `rowMode: 'array'`, `types` from the query else the pool.
 */
import type { QueryCallback, QueryConfig } from '../client/client.js';
import { ConnectionParameters } from '../core/connection-parameters.js';
import type { Result } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import { neon } from '../http/neon.js';
import type { PoolConfig } from './options.js';

export function queryViaFetch(
  options: PoolConfig,
  text: string | QueryConfig,
  values: unknown[] | undefined,
  callback: QueryCallback,
): void {
  try {
    const params = new ConnectionParameters(options);
    const enc = encodeURIComponent;
    const password = typeof params.password === 'string' ? params.password : '';
    const url = `postgresql://${enc(params.user ?? '')}:${enc(password)}@${enc(params.host)}/${encodeURI(params.database ?? '')}`;
    const config: Partial<QueryConfig> = typeof text === 'string' ? {} : text;
    const sql = neon(url, { fullResults: true, arrayMode: config.rowMode === 'array' });
    const types = (config.types ?? options.types) as CustomTypesConfig | undefined;
    sql
      .query(typeof text === 'string' ? text : text.text, values ?? (config.values as unknown[]) ?? [], {
        types,
      })
      .then(
        (result) => callback(null, result as unknown as Result),
        (error: Error) => callback(error, undefined as unknown as Result),
      );
  } catch (error) {
    callback(error as Error, undefined as unknown as Result);
  }
}
