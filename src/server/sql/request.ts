/**
 * Reading a `/sql` request: the `Neon-*` headers and the JSON body, with Neon's error texts
 * (neon-http-protocol.md §2.2, §2.4, §3; proxy `serverless/http_util.rs`, `sql_over_http.rs`).
 * Pure: header values and body text in, a request description or a `SqlHttpError` out.
 */
import { SqlHttpError } from './errors.js';

/** Who to connect as: the pool key. The host in the connection string is not used. */
export interface ConnectionInfo {
  user: string;
  /** Undefined when the URL has none; only a trust upstream then lets the request in. */
  password: string | undefined;
  database: string;
  /** Passed on to Postgres when present; every other URL parameter is ignored, as on Neon. */
  applicationName: string | undefined;
}

export type IsolationLevel = 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

export interface SqlHeaders {
  connection: ConnectionInfo;
  /** `Neon-Raw-Text-Output: true`: cells are Postgres' text, not converted. */
  rawOutput: boolean;
  /** `Neon-Array-Mode: true`: rows are arrays, unless a query's `arrayMode` says otherwise. */
  arrayMode: boolean;
  isolationLevel: IsolationLevel | undefined;
  readOnly: boolean;
  deferrable: boolean;
}

export interface QueryData {
  query: string;
  /** Text parameters (SQL NULL as null), already converted from JSON. */
  params: (string | null)[];
  arrayMode: boolean | undefined;
}

export type Payload = { batch: false; query: QueryData } | { batch: true; queries: QueryData[] };

type HeaderValue = string | string[] | undefined;

const first = (value: HeaderValue): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Header flags are on only when exactly `true` (case-sensitive), as on Neon. */
const isTrue = (value: HeaderValue): boolean => first(value) === 'true';

/**
 * Clients send the same connection string with every request: parsed ones are kept (the map
 * is cleared when it grows past this, which only a client cycling through strings causes).
 */
const CONNECTION_CACHE_SIZE = 256;
const connectionCache = new Map<string, ConnectionInfo>();

function cachedConnection(value: string | undefined): ConnectionInfo {
  const cached = value === undefined ? undefined : connectionCache.get(value);
  if (cached) return cached;
  const info = parseConnectionString(value);
  if (connectionCache.size >= CONNECTION_CACHE_SIZE) connectionCache.clear();
  connectionCache.set(value as string, Object.freeze(info));
  return info;
}

/** Neon's order: connection info first, then the other headers, then the body. */
export function parseSqlHeaders(headers: Record<string, HeaderValue>): SqlHeaders {
  const connection = cachedConnection(first(headers['neon-connection-string']));
  const isolation = first(headers['neon-batch-isolation-level']);
  if (isolation !== undefined && !Object.hasOwn(ISOLATION_SQL, isolation)) {
    throw new SqlHttpError(400, 'invalid isolation level');
  }
  return {
    connection,
    rawOutput: isTrue(headers['neon-raw-text-output']),
    arrayMode: isTrue(headers['neon-array-mode']),
    isolationLevel: isolation as IsolationLevel | undefined,
    readOnly: isTrue(headers['neon-batch-read-only']),
    deferrable: isTrue(headers['neon-batch-deferrable']),
  };
}

/** `START TRANSACTION` with the batch headers; READ ONLY and DEFERRABLE only when `true`. */
export function startTransactionSql(headers: SqlHeaders): string {
  const modes: string[] = [];
  if (headers.isolationLevel) modes.push(`ISOLATION LEVEL ${ISOLATION_SQL[headers.isolationLevel]}`);
  if (headers.readOnly) modes.push('READ ONLY');
  if (headers.deferrable) modes.push('DEFERRABLE');
  return modes.length === 0 ? 'START TRANSACTION' : `START TRANSACTION ${modes.join(', ')}`;
}

/** Response headers echoing the batch settings, as Neon sends them. */
export function batchEchoHeaders(headers: SqlHeaders): string[] {
  const out: string[] = [];
  if (headers.readOnly) out.push('Neon-Batch-Read-Only', 'true');
  if (headers.deferrable) out.push('Neon-Batch-Deferrable', 'true');
  if (headers.isolationLevel) out.push('Neon-Batch-Isolation-Level', headers.isolationLevel);
  return out;
}

const invalid = (reason: string) => new SqlHttpError(400, `invalid connection string: ${reason}`);

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new SqlHttpError(400, `invalid ${what}`);
  }
}

/**
 * `Neon-Connection-String`: `postgres[ql]://user[:password]@host[:port]/database[?…]`.
 * Unlike Neon, an IP or `localhost` host is fine and so is a missing password (a trust
 * upstream needs none): the host only mattered to Neon for finding the endpoint.
 */
export function parseConnectionString(value: string | undefined): ConnectionInfo {
  if (value === undefined) throw new SqlHttpError(400, 'invalid header: neon-connection-string');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value);
  if (!scheme) throw invalid('relative URL without a base');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    const port = /^[^:]+:\/\/(?:[^@/?#]*@)?(?:\[[^\]]*\]|[^:/?#]*):([^/?#]*)/.exec(value)?.[1];
    throw invalid(port !== undefined && !/^\d{0,5}$/.test(port) ? 'invalid port number' : 'invalid URL');
  }
  const protocol = url.protocol.slice(0, -1).toLowerCase();
  if (protocol !== 'postgres' && protocol !== 'postgresql') throw new SqlHttpError(400, 'incorrect scheme');
  const segment = url.pathname.startsWith('/') ? url.pathname.slice(1).split('/')[0] : '';
  const database = decode(segment, 'database name');
  if (database === '') throw new SqlHttpError(400, 'missing database name');
  const user = decode(url.username, 'username');
  if (user === '') throw new SqlHttpError(400, 'missing username');
  const password =
    url.password === '' && !/^[^:]*:\/\/[^@/]*:@/.test(value) ? undefined : decode(url.password, 'password');
  const applicationName = url.searchParams.get('application_name') ?? undefined;
  return { user, password, database, applicationName };
}

const BODY_ERROR = 'could not parse the HTTP request body';

/**
 * The body: `{"query", "params"?, "arrayMode"?}` or `{"queries": [...]}`, tried in that order
 * like serde's untagged enum. Unknown keys are ignored.
 */
export function parsePayload(body: string): Payload {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new SqlHttpError(400, `${BODY_ERROR}: ${(error as Error).message}`);
  }
  try {
    return readPayload(json);
  } catch (error) {
    // Parameters nested past the stack's depth (V8's JSON.parse itself has no limit): serde's 400.
    if (error instanceof RangeError) throw new SqlHttpError(400, `${BODY_ERROR}: recursion limit exceeded`);
    throw error;
  }
}

function readPayload(json: unknown): Payload {
  const single = readQueryData(json);
  if (single) return { batch: false, query: single };
  if (isObject(json) && Array.isArray(json.queries)) {
    const queries: QueryData[] = [];
    for (const item of json.queries) {
      const query = readQueryData(item);
      if (!query) break;
      queries.push(query);
    }
    if (queries.length === json.queries.length) return { batch: true, queries };
  }
  throw new SqlHttpError(400, `${BODY_ERROR}: data did not match any variant of untagged enum Payload`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readQueryData(value: unknown): QueryData | undefined {
  if (!isObject(value) || typeof value.query !== 'string') return undefined;
  const { params, arrayMode } = value;
  if (params !== undefined && !Array.isArray(params)) return undefined;
  if (arrayMode !== undefined && arrayMode !== null && typeof arrayMode !== 'boolean') return undefined;
  return {
    query: value.query,
    params: params === undefined ? [] : params.map(jsonToPgText),
    arrayMode: arrayMode ?? undefined,
  };
}

/**
 * A JSON parameter as Postgres text (proxy `json_to_pg_text`): null → NULL, strings as they
 * are, booleans, numbers and objects as their JSON, arrays as array literals.
 */
export function jsonToPgText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return jsonToPgArray(value);
  return JSON.stringify(value);
}

/** Inside arrays strings are JSON-quoted, objects become quoted JSON text, nulls NULL. */
function jsonToPgArray(value: unknown): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return `{${value.map(jsonToPgArray).join(',')}}`;
  if (typeof value === 'object') return JSON.stringify(JSON.stringify(value));
  return JSON.stringify(value);
}
