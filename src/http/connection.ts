/**
 * Connection parameters → the `Neon-Connection-String` header, with `@neondatabase/serverless`
 * 1.2.0's rules and messages:
 *
 * - The connection string is `neon()`'s first argument, or a `connectionString` option (a string or
 *   a sync/async function). Nothing is checked when `neon()` is called: errors surface when a query
 *   runs, as `NeonDbError`s.
 * - Options at the three levels (`neon()`, `transaction()`, the query) are merged in that order;
 *   a level that sets `connectionString` discards the parameters of the levels before it.
 * - `user`/`username`, `password`, `host`/`hostname`, `port` and `database` then override the
 *   matching parts of the URL (functions are called for every query).
 * - The result is rebuilt as `postgresql://…` with an `application_name` parameter naming this
 *   driver appended unless one is present, then checked for a user, a host and a database.
 *
 * The URL is parsed as `http:` (a "special" scheme, so the host and path are normalised the same
 * way whatever scheme was written) and every edit goes through the WHATWG `URL` setters, so the
 * header is byte-for-byte what Neon sends (except the `application_name` value).
 */
import { NeonDbError } from './neon-db-error.js';
import type { HTTPConnectionParams } from './types.js';

type ParamKey = keyof HTTPConnectionParams;
type UrlPart = 'username' | 'password' | 'hostname' | 'port' | 'pathname';

const connectionParamKeys: readonly ParamKey[] = [
  'connectionString',
  'user',
  'username',
  'password',
  'host',
  'hostname',
  'port',
  'database',
];

/** The URL property each parameter replaces. */
const urlPart: Record<Exclude<ParamKey, 'connectionString'>, UrlPart> = {
  user: 'username',
  username: 'username',
  password: 'password',
  host: 'hostname',
  hostname: 'hostname',
  port: 'port',
  database: 'pathname',
};

/** Used when `neon()` got no connection string: it always fails validation unless options complete it. */
const placeholder = 'postgresql://-';

export interface ResolvedConnection {
  /** The `Neon-Connection-String` header value. */
  connectionString: string;
  /** The same, parsed (as `http:`): `hostname` and `port` feed `fetchEndpoint`. */
  url: URL;
}

/** The connection parameters an options object sets itself (a copy), or `undefined` if none. */
export function ownConnectionParams(options: object | undefined): HTTPConnectionParams | undefined {
  if (!options) return undefined;
  let own: Record<string, unknown> | undefined;
  for (const key of connectionParamKeys) {
    if (!Object.hasOwn(options, key)) continue;
    own = own ?? {};
    own[key] = (options as HTTPConnectionParams)[key];
  }
  return own;
}

/** True when resolving these parameters can give a different result each time (functions). */
export function isDynamic(params: HTTPConnectionParams): boolean {
  for (const key of connectionParamKeys) if (typeof params[key] === 'function') return true;
  return false;
}

/** Merges levels, later winning; a level with a `connectionString` replaces what came before. */
export function mergeConnectionParams(levels: (HTTPConnectionParams | undefined)[]): HTTPConnectionParams {
  let merged: HTTPConnectionParams = {};
  for (const level of levels) {
    if (level) merged = level.connectionString !== undefined ? level : { ...merged, ...level };
  }
  return merged;
}

/** Resolves the parameters (calling any functions) into the header value and its parsed URL. */
export async function resolveConnection(
  given: string | undefined,
  params: HTTPConnectionParams,
  applicationName: string,
): Promise<ResolvedConnection> {
  let source: unknown =
    params.connectionString !== undefined ? params.connectionString : (given ?? placeholder);
  if (typeof source === 'function') source = await source();
  if (typeof source !== 'string') {
    throw new NeonDbError('Connection string must be a string or a function resolving to one');
  }
  if (params.user !== undefined && params.username !== undefined) {
    throw new NeonDbError('Please specify one only of user and username');
  }
  if (params.host !== undefined && params.hostname !== undefined) {
    throw new NeonDbError('Please specify one only of host and hostname');
  }
  const url = parseConnectionUrl(source, false);
  // All parameters resolve concurrently; the first failure (in key order for plain values) wins.
  await Promise.all(
    connectionParamKeys.map(async (key) => {
      if (key === 'connectionString') return;
      let value = params[key];
      if (typeof value === 'function') value = await value();
      if (value === undefined) return;
      if (typeof value !== 'string' && !(key === 'port' && typeof value === 'number')) {
        const orNumber = key === 'port' ? ' or a number' : '';
        throw new NeonDbError(
          `Connection parameter "${key}" must be a string${orNumber} or a function resolving to one`,
        );
      }
      url[urlPart[key]] = String(value);
    }),
  );
  const { searchParams } = url;
  if (!searchParams.has('application_name')) searchParams.append('application_name', applicationName);
  const connectionString = `postgresql:${url.href.slice(url.protocol.length)}`;
  return { connectionString, url: parseConnectionUrl(connectionString, true) };
}

/**
 * Parses a `postgres(ql)://` string as an `http:` URL. `complete` also requires a user, a host
 * and a database (the placeholder host `-` does not count).
 */
function parseConnectionUrl(text: string, complete: boolean): URL {
  let protocol: string;
  let url: URL;
  try {
    protocol = new URL(text).protocol;
    url = new URL(`http:${text.slice(protocol.length)}`);
  } catch {
    throw new NeonDbError(
      `Database connection string provided to neon() is not a valid URL (connection string: ${text})`,
    );
  }
  const { username, hostname, pathname } = url;
  if (
    (protocol !== 'postgres:' && protocol !== 'postgresql:') ||
    (complete && (!username || !hostname || hostname === '-' || !pathname || pathname === '/'))
  ) {
    throw new NeonDbError('Wrong URL scheme or missing user, host or database in connection parameters');
  }
  return url;
}
