/**
 * `neon()`: a query function over Neon's SQL-over-HTTP endpoint, compatible with
 * `@neondatabase/serverless` 1.2.0 (see shared/spec/neon-http-protocol.md).
 *
 * `neon()` only stores its options; nothing is validated or sent until a query is awaited. A
 * query then runs these steps, in Neon's order (which decides which error wins):
 *
 *   1. compile the template(s) and serialise the parameters (./request.ts);
 *   2. merge the options of the three levels (./options.ts explains the precedence);
 *   3. resolve the connection parameters (./connection.ts) — cached per instance when they hold
 *      no functions;
 *   4. pick the endpoint (`fetchEndpoint` option, else `neonConfig.fetchEndpoint` read now) and
 *      resolve the auth token;
 *   5. POST, check the status, parse the body (./transport.ts);
 *   6. parse the rows (./response.ts).
 */
import { ConfigError, UsageError } from '../core/errors.js';
import { neonConfig } from '../core/neon-config.js';
import { warnIfBrowser } from './browser-warning.js';
import {
  isDynamic,
  mergeConnectionParams,
  ownConnectionParams,
  type ResolvedConnection,
  resolveConnection,
} from './connection.js';
import { attachSessionMethods } from './extensions.js';
import { requestOptions, resultOptions } from './options.js';
import { NeonQueryPromise } from './query-promise.js';
import { authTokenValue, fetchInit, prepareQuery, requestHeaders } from './request.js';
import { batchResults, processQueryResult } from './response.js';
import { SqlTemplate, UnsafeRawSql } from './sql-template.js';
import { abortError, exchange, retryPolicy } from './transport.js';
import type {
  FetchFunction,
  HTTPQueryOptions,
  HTTPTransactionOptions,
  NeonQueryFunction,
  ParameterizedQuery,
  QueryTimings,
} from './types.js';
import { DRIVER_APPLICATION_NAME } from './version.js';

type AnyQueryOptions = HTTPQueryOptions<boolean, boolean>;
type AnyTransactionOptions = HTTPTransactionOptions<boolean, boolean>;
type QueryData = SqlTemplate | ParameterizedQuery;

export const templateOnly =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Neon's exact message shows template syntax
  'This function can now be called only as a tagged-template function: sql`SELECT ${value}`, not sql("SELECT $1", [value], options). For a conventional function call with value placeholders ($1, $2, etc.), use sql.query("SELECT $1", [value], options).';
const transactionArgument =
  'transaction() expects an array of queries, or a function returning an array of queries';

/**
 * Returns a tagged-template query function for one database:
 *
 * ```ts
 * const sql = neon(process.env.DATABASE_URL);
 * const rows = await sql`SELECT * FROM users WHERE id = ${id}`;
 * ```
 *
 * `sql.query(text, params, options)` runs a query with `$n` placeholders, `sql.unsafe(text)`
 * interpolates trusted raw SQL, and `sql.transaction([...], options)` runs queries in one
 * non-interactive transaction.
 */
export function neon<ArrayMode extends boolean = false, FullResults extends boolean = false>(
  connectionString: string,
  options?: HTTPTransactionOptions<ArrayMode, FullResults>,
): NeonQueryFunction<ArrayMode, FullResults>;
export function neon<ArrayMode extends boolean = false, FullResults extends boolean = false>(
  options: HTTPTransactionOptions<ArrayMode, FullResults>,
): NeonQueryFunction<ArrayMode, FullResults>;
export function neon(first?: unknown, second?: unknown): NeonQueryFunction<boolean, boolean> {
  const given = typeof first === 'string' ? first : undefined;
  const options = (
    first !== null && typeof first === 'object' ? first : (second ?? {})
  ) as AnyTransactionOptions;
  // A snapshot: later changes to the options object do not affect this instance.
  const instance: AnyTransactionOptions = { ...options };
  const connectionParams = ownConnectionParams(options) ?? {};
  const cacheable = !isDynamic(connectionParams);
  let cached: ResolvedConnection | undefined;

  /** Resolves the connection, from the instance's cache when no other level sets parameters. */
  async function connection(
    transaction: AnyTransactionOptions | undefined,
    query: AnyQueryOptions | undefined,
  ): Promise<ResolvedConnection> {
    const levels = [ownConnectionParams(transaction), ownConnectionParams(query)];
    const own = levels[0] || levels[1];
    if (!own && cached) return cached;
    const params = own ? mergeConnectionParams([connectionParams, ...levels]) : connectionParams;
    const resolved = await resolveConnection(given, params, DRIVER_APPLICATION_NAME);
    if (!own && cacheable) cached = resolved;
    return resolved;
  }

  async function execute(
    queryData: QueryData | QueryData[],
    queryOpts?: AnyQueryOptions | AnyQueryOptions[],
    transactionOpts?: AnyTransactionOptions,
  ): Promise<unknown> {
    const batch = Array.isArray(queryData);
    const single = batch ? undefined : (queryOpts as AnyQueryOptions | undefined);
    const options = requestOptions(instance, transactionOpts, single);
    const start = options.timings ? performance.now() : 0;
    if (options.signal?.aborted) throw abortError(options.signal);
    const body = JSON.stringify(batch ? { queries: queryData.map(prepareQuery) } : prepareQuery(queryData));
    const { url, connectionString } =
      cached && !transactionOpts && !single ? cached : await connection(transactionOpts, single);

    const endpoint = options.fetchEndpoint ?? neonConfig.fetchEndpoint;
    const fetchUrl =
      typeof endpoint === 'function'
        ? endpoint(url.hostname, url.port, { jwtAuth: options.authToken !== undefined })
        : endpoint;
    const token = options.authToken === undefined ? undefined : await authTokenValue(options.authToken);
    const headers = requestHeaders(connectionString, token, batch ? options : undefined);
    if (!instance.disableWarningInBrowsers && !neonConfig.disableWarningInBrowsers) warnIfBrowser();
    const fetchFunction = (options.fetchFunction ??
      neonConfig.fetchFunction ??
      globalThis.fetch) as FetchFunction;
    if (typeof fetchFunction !== 'function') {
      throw new ConfigError(
        'No fetch function: this runtime has no global fetch; set neonConfig.fetchFunction',
      );
    }
    const timings = options.timings ? ({} as QueryTimings) : undefined;
    const json = await exchange({
      fetch: fetchFunction,
      url: fetchUrl,
      init: fetchInit(body, headers, options.fetchOptions, options.signal),
      retry: retryPolicy(options.retry),
      signal: options.signal,
      timings,
      start,
    });

    let results: unknown;
    if (batch) {
      const perQuery = queryOpts as AnyQueryOptions[];
      results = batchResults(json).map((result, i) =>
        processQueryResult(result, resultOptions(options, perQuery[i]), timings),
      );
    } else {
      results = processQueryResult(json, resultOptions(options, single), timings);
    }
    if (timings) timings.rowsParsed = performance.now() - start;
    return results;
  }

  const sql = ((strings: TemplateStringsArray, ...values: unknown[]) => {
    if (!(Array.isArray(strings) && Array.isArray((strings as { raw?: unknown }).raw))) {
      throw new UsageError(templateOnly);
    }
    return new NeonQueryPromise(execute, new SqlTemplate(strings, values));
  }) as NeonQueryFunction<boolean, boolean>;

  sql.query = ((query: string, params?: unknown[], queryOpts?: AnyQueryOptions) =>
    new NeonQueryPromise(execute, { query, params: params ?? [] }, queryOpts)) as typeof sql.query;

  sql.unsafe = (rawSQL: string) => new UnsafeRawSql(rawSQL);

  sql.transaction = (async (
    queriesOrFn: unknown[] | ((sql: NeonQueryFunction<boolean, boolean>) => unknown[]),
    transactionOpts?: AnyTransactionOptions,
  ) => {
    const queries = typeof queriesOrFn === 'function' ? queriesOrFn(sql) : queriesOrFn;
    if (!Array.isArray(queries)) throw new UsageError(transactionArgument);
    for (const query of queries)
      if (!(query instanceof NeonQueryPromise)) throw new UsageError(transactionArgument);
    const promises = queries as NeonQueryPromise<boolean, boolean>[];
    return execute(
      promises.map((query) => query.queryData),
      promises.map((query) => query.opts ?? {}),
      transactionOpts,
    );
  }) as typeof sql.transaction;

  attachSessionMethods(sql, { instance, connection: (level) => connection(level, undefined), execute });
  return sql;
}
