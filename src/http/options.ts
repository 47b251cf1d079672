/**
 * How options at three levels override each other. The levels, later winning:
 *
 *   1. `neon(url, options)` — the instance (copied when `neon()` is called);
 *   2. `sql.transaction(queries, options)` — a batch;
 *   3. `sql.query(text, params, options)` — one query (templates have no options).
 *
 * - `arrayMode`, `fullResults`, `types`: decided per result. A query's own value wins, even inside
 *   a transaction; then the transaction's, then the instance's; defaults `false`, `false` and the
 *   global `types`. (Neon 1.2.0 reads `types` from the query level only.)
 * - Request-wide options — `authToken`, `signal`, `retry`, `timings`, `fetchEndpoint`,
 *   `fetchFunction`: query > transaction > instance. A transaction is one request, so its queries'
 *   own values for these are ignored. (Neon 1.2.0 ignores a transaction's `authToken`.)
 * - `fetchOptions`: shallow-merged instance ← transaction ← query (the query's only when it runs alone).
 * - `isolationLevel`, `readOnly`, `deferrable`: transaction > instance, sent with transactions only.
 * - Connection parameters: see ./connection.ts. `disableWarningInBrowsers`: instance (or `neonConfig`) only.
 * - `neonConfig.fetchEndpoint` / `fetchFunction` apply when no level sets `fetchEndpoint` / `fetchFunction`.
 *
 * A level's value counts when it is not `undefined`, except that per-result values fall back on
 * `null` too (Neon's `??`).
 */

import type { FetchEndpoint } from '../core/neon-config.js';
import type { CustomTypesConfig } from '../core/types.js';
import type { ResultOptions } from './response.js';
import type { HTTPQueryOptions, HTTPRetryOptions, HTTPTransactionOptions } from './types.js';

type AnyQueryOptions = HTTPQueryOptions<boolean, boolean>;
type AnyTransactionOptions = HTTPTransactionOptions<boolean, boolean>;

/** What one request runs with, after the instance, transaction and query levels are merged. */
export interface RequestOptions extends ResultOptions {
  fetchOptions: Record<string, unknown>;
  authToken: AnyQueryOptions['authToken'];
  signal: AbortSignal | undefined;
  retry: boolean | HTTPRetryOptions | undefined;
  timings: boolean | undefined;
  fetchEndpoint: FetchEndpoint | undefined;
  fetchFunction: unknown;
  isolationLevel: AnyTransactionOptions['isolationLevel'];
  readOnly: boolean | undefined;
  deferrable: boolean | undefined;
}

/** Options a transaction's own level (but not a query's) can set for the whole request. */
const transactionLevel = [
  'arrayMode',
  'fullResults',
  'types',
  'isolationLevel',
  'readOnly',
  'deferrable',
] as const;
/** Options either level can set for the whole request. */
const requestLevel = ['authToken', 'signal', 'retry', 'timings', 'fetchEndpoint', 'fetchFunction'] as const;

export function requestOptions(
  instance: AnyTransactionOptions,
  transaction: AnyTransactionOptions | undefined,
  query: AnyQueryOptions | undefined,
): RequestOptions {
  const merged = { ...instance } as RequestOptions;
  merged.arrayMode = instance.arrayMode ?? false;
  merged.fullResults = instance.fullResults ?? false;
  merged.fetchOptions = instance.fetchOptions ?? {};
  const target = merged as unknown as Record<string, unknown>;
  if (transaction) {
    for (const key of transactionLevel) if (transaction[key] !== undefined) target[key] = transaction[key];
  }
  for (const level of [transaction, query]) {
    if (!level) continue;
    if (level.fetchOptions !== undefined)
      merged.fetchOptions = { ...merged.fetchOptions, ...level.fetchOptions };
    for (const key of requestLevel) if (level[key] !== undefined) target[key] = level[key];
  }
  return merged;
}

/** The modes for one result: the query's own, else the request's. */
export function resultOptions(request: RequestOptions, query: AnyQueryOptions | undefined): ResultOptions {
  if (!query) return request;
  return {
    arrayMode: query.arrayMode ?? request.arrayMode,
    fullResults: query.fullResults ?? request.fullResults,
    types: (query.types ?? request.types) as CustomTypesConfig | undefined,
  };
}
