/**
 * Public types of `neon()`, with Neon 1.2.0's names and generics (`NeonQueryFunction<ArrayMode,
 * FullResults>`, `FullQueryResults<ArrayMode>`, …) so code typed against `@neondatabase/serverless`
 * compiles unchanged. Additions are optional: a row type parameter (`` sql<Row>`…` ``,
 * `sql.query<Row>(…)`), and the `signal`, `retry`, `timings`, `fetchEndpoint` and
 * `fetchFunction` options.
 *
 * `any` appears where Neon's own types use it (rows, parameters, fetch options), so that
 * assignments that compile against Neon compile against us.
 */
/* biome-ignore-all lint/suspicious/noExplicitAny: these types mirror Neon's, which use any for rows, params and fetch options */

import type { FetchEndpoint } from '../core/neon-config.js';
import type { FieldDef } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import type { NeonQueryPromise } from './query-promise.js';
import type { NeonSessionMethods } from './session-types.js';
import type { SqlTemplate, UnsafeRawSql } from './sql-template.js';

/** A value, or a sync or async function giving it (called for every query). */
export type ThingLike<T> = T | (() => T | Promise<T>);

/**
 * Connection parameters accepted as options (Neon 1.2.0): they supplement, override or (with
 * `connectionString`) replace the connection string given to `neon()`.
 */
export interface HTTPConnectionParams {
  connectionString?: ThingLike<string>;
  user?: ThingLike<string>;
  username?: ThingLike<string>;
  password?: ThingLike<string>;
  host?: ThingLike<string>;
  hostname?: ThingLike<string>;
  port?: ThingLike<string | number>;
  database?: ThingLike<string>;
}

/** When to retry a request that failed (opt in with `retry: true` or an object). */
export interface HTTPRetryOptions {
  /** Attempts in total, the first included. Default 3. */
  maxAttempts?: number;
  /** Delay before the first retry, doubled each time, with jitter. Default 100 ms. */
  baseDelayMs?: number;
  /** Cap on any one delay (a server's `Retry-After` included). Default 2000 ms. */
  maxDelayMs?: number;
  /**
   * The query is safe to run twice. Without this, only failures that happened before the query
   * could run are retried: the connection could not be made, or HTTP 429/502/503. With it, any
   * network failure and HTTP 504 are retried too.
   */
  idempotent?: boolean;
}

/** Milliseconds from the start of the query (`then()`), measured on the client. */
export interface QueryTimings {
  /** The request was handed to `fetch` (after the connection string and auth token were resolved). */
  requestSent: number;
  /** Response headers arrived. */
  responseHeaders: number;
  /** The body was read and parsed as JSON. */
  responseBody: number;
  /** Rows were converted to JS values: the query is done. */
  rowsParsed: number;
  /** Requests made, retries included. */
  attempts: number;
}

export interface HTTPQueryOptions<ArrayMode extends boolean, FullResults extends boolean>
  extends HTTPConnectionParams {
  /** Rows as arrays (`[1]`) instead of objects keyed by column name (`{ id: 1 }`). Default `false`. */
  arrayMode?: ArrayMode;
  /** A pg-like result object (`rows`, `fields`, `command`, `rowCount`, `rowAsArray`) instead of the rows. */
  fullResults?: FullResults;
  /**
   * Merged into the options given to `fetch`, and winning over ours; `headers` are merged with
   * our `Neon-*` headers (Neon replaces them instead).
   */
  fetchOptions?: Record<string, any>;
  /** Sent as `Authorization: Bearer <token>`: a string, or a (sync or async) function called per query. */
  authToken?: string | (() => Promise<string> | string);
  /** Type parsers (`{ getTypeParser(oid, format) }`), consulted before the global `types`. */
  types?: CustomTypesConfig;
  /** No browser warning (read from `neon()`'s options and `neonConfig` only, as Neon does). */
  disableWarningInBrowsers?: boolean;
  /** Aborts the query: it then rejects with an `AbortError` (code `EDGEPG_ABORTED`). */
  signal?: AbortSignal;
  /** Retry failures that happened before the query ran (see `HTTPRetryOptions`). Default: off. */
  retry?: boolean | HTTPRetryOptions;
  /** With `fullResults`, add client-side `timings` to each result. */
  timings?: boolean;
  /** This instance's endpoint, instead of `neonConfig.fetchEndpoint`. */
  fetchEndpoint?: FetchEndpoint;
  /** This instance's `fetch`, instead of `neonConfig.fetchFunction` / the global `fetch`. */
  fetchFunction?: any;
}

export interface HTTPTransactionOptions<ArrayMode extends boolean, FullResults extends boolean>
  extends HTTPQueryOptions<ArrayMode, FullResults> {
  /** Postgres isolation level; `ReadUncommitted` behaves as `ReadCommitted` in Postgres. */
  isolationLevel?: 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable';
  /** `READ ONLY` transaction when `true`. */
  readOnly?: boolean;
  /** `DEFERRABLE` when `true` (effective with `Serializable` and `readOnly`). */
  deferrable?: boolean;
}

/** Marks "no row type given": rows then default to Neon's `any[]` / `Record<string, any>`. */
type Untyped = never;

/** Rows of a result: arrays in array mode, objects otherwise, or the given row type. */
export type QueryRows<ArrayMode extends boolean, Row = Untyped> = [Row] extends [Untyped]
  ? ArrayMode extends true
    ? any[][]
    : Record<string, any>[]
  : Row[];

export interface FullQueryResults<ArrayMode extends boolean, Row = Untyped> {
  fields: FieldDef[];
  command: string;
  /** `null` at runtime for commands without a count (as in Neon, typed `number`). */
  rowCount: number;
  rows: QueryRows<ArrayMode, Row>;
  rowAsArray: ArrayMode;
  /** Present when the query ran with `timings: true`. */
  timings?: QueryTimings;
}

/** What a query resolves to under the given modes. */
export type HTTPQueryResult<
  ArrayMode extends boolean,
  FullResults extends boolean,
  Row = Untyped,
> = FullResults extends true ? FullQueryResults<ArrayMode, Row> : QueryRows<ArrayMode, Row>;

export interface ParameterizedQuery {
  query: string;
  params: any[];
}

export interface ProcessQueryResultOptions {
  arrayMode: boolean;
  fullResults: boolean;
  types?: CustomTypesConfig;
}

/** What `transaction()` accepts back from its callback. */
export interface NeonQueryInTransaction {
  queryData: SqlTemplate | ParameterizedQuery;
}

/** The query function a `transaction()` callback receives: no per-query options, no nesting (Neon's type). */
export interface NeonQueryFunctionInTransaction<ArrayMode extends boolean, FullResults extends boolean> {
  (
    strings: TemplateStringsArray,
    ...params: any[]
  ): NeonQueryPromise<ArrayMode, FullResults, HTTPQueryResult<ArrayMode, FullResults>>;
  query(
    queryWithPlaceholders: string,
    params?: any[],
  ): NeonQueryPromise<ArrayMode, FullResults, HTTPQueryResult<ArrayMode, FullResults>>;
  unsafe(rawSQL: string): UnsafeRawSql;
}

export interface NeonQueryFunction<ArrayMode extends boolean, FullResults extends boolean>
  extends NeonSessionMethods<ArrayMode, FullResults> {
  /** Runs a tagged-template query: `` sql`SELECT * FROM t WHERE id = ${id}` ``. */
  <Row = Untyped>(
    strings: TemplateStringsArray,
    ...params: any[]
  ): NeonQueryPromise<ArrayMode, FullResults, HTTPQueryResult<ArrayMode, FullResults, Row>>;
  /** Runs a query with `$1`, `$2`, … placeholders: `sql.query('SELECT $1', [value], options)`. */
  query<ArrayModeOverride extends boolean = ArrayMode, FullResultsOverride extends boolean = FullResults>(
    queryWithPlaceholders: string,
    params?: any[],
    queryOpts?: HTTPQueryOptions<ArrayModeOverride, FullResultsOverride>,
  ): NeonQueryPromise<
    ArrayModeOverride,
    FullResultsOverride,
    HTTPQueryResult<ArrayModeOverride, FullResultsOverride>
  >;
  /** `sql.query<Row>(…)`: the same, with a row type (`sql.query<Row, ArrayMode, FullResults>` for other modes). */
  query<
    Row extends object,
    ArrayModeOverride extends boolean = ArrayMode,
    FullResultsOverride extends boolean = FullResults,
  >(
    queryWithPlaceholders: string,
    params?: any[],
    queryOpts?: HTTPQueryOptions<ArrayModeOverride, FullResultsOverride>,
  ): NeonQueryPromise<
    ArrayModeOverride,
    FullResultsOverride,
    HTTPQueryResult<ArrayModeOverride, FullResultsOverride, Row>
  >;
  /** Raw SQL to interpolate into a template. Only for trusted text. */
  unsafe(rawSQL: string): UnsafeRawSql;
  /**
   * Runs several queries in one non-interactive transaction (one HTTP request). Takes an array of
   * queries, or a (non-async) function receiving a query function and returning one.
   *
   * The array may mix queries with their own `arrayMode`/`fullResults` (which decide their own
   * results at runtime); Neon's type accepts only queries of the instance's modes.
   */
  transaction: <
    ArrayModeOverride extends boolean = ArrayMode,
    FullResultsOverride extends boolean = FullResults,
  >(
    queriesOrFn:
      | NeonQueryPromise<any, any>[]
      | ((
          sql: NeonQueryFunctionInTransaction<ArrayModeOverride, FullResultsOverride>,
        ) => NeonQueryInTransaction[]),
    opts?: HTTPTransactionOptions<ArrayModeOverride, FullResultsOverride>,
  ) => Promise<
    FullResultsOverride extends true ? FullQueryResults<ArrayModeOverride>[] : QueryRows<ArrayModeOverride>[]
  >;
}

/** A structural `fetch`: what the HTTP path calls (the global `fetch` fits). */
export type FetchFunction = (url: string, init: Record<string, any>) => Promise<FetchResponse>;

/** The parts of a `Response` the HTTP path uses. */
export interface FetchResponse {
  ok: boolean;
  status: number;
  headers?: { get(name: string): string | null };
  body?: { cancel?(): unknown } | null;
  text(): Promise<string>;
}
