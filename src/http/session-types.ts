/**
 * Types of the `neon()` additions that are not Neon's: interactive transactions over one
 * WebSocket session (`sql.begin`), and the health checks (`verifyConnectivity`, `getServerInfo`,
 * `executeQuery`) with the Client/Pool shapes. Type-only imports from src/client: nothing here
 * reaches the `edgepg/http` bundle.
 */
/* biome-ignore-all lint/suspicious/noExplicitAny: rows default to Neon's any, as in ./types.ts */

import type { EagerResult, ExecuteQueryOptions } from '../client/execute-query.js';
import type { ServerInfo, VerifyConnectivityOptions } from '../client/server-info.js';
import type { IsolationLevel, TransactionOptions } from '../client/transaction.js';
import type { NeonConfigPerClient } from '../core/neon-config.js';
import type { QueryResultRow } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import type { NeonQueryPromise } from './query-promise.js';
import type { UnsafeRawSql } from './sql-template.js';
import type { HTTPConnectionParams, HTTPQueryOptions, HTTPQueryResult, NeonQueryFunction } from './types.js';

/** Options of `sql.begin(fn, options)`; unset ones come from `neon()`'s options. */
export interface BeginOptions<ArrayMode extends boolean, FullResults extends boolean>
  extends HTTPConnectionParams,
    Pick<
      TransactionOptions,
      | 'timeoutMs'
      | 'signal'
      | 'maxRetryTimeMs'
      | 'initialRetryDelayMs'
      | 'retryDelayMultiplier'
      | 'retryDelayJitter'
    > {
  /** Default for the transaction's queries (a query's own option wins). */
  arrayMode?: ArrayMode;
  /** Default for the transaction's queries (a query's own option wins). */
  fullResults?: FullResults;
  /** Default for the transaction's queries (a query's own option wins). */
  types?: CustomTypesConfig;
  isolationLevel?: IsolationLevel;
  readOnly?: boolean;
  deferrable?: boolean;
  /** Time allowed to open the WebSocket session and authenticate, in ms (> 0). Default 10 000. */
  connectionTimeoutMillis?: number;
  /** Socket options for this session, over the global `neonConfig` (as `client.neonConfig`). */
  neonConfig?: NeonConfigPerClient;
}

/** What the `sql.begin` callback receives: a query function bound to the open transaction. */
export interface NeonTransactionQueryFunction<ArrayMode extends boolean, FullResults extends boolean> {
  <Row = never>(
    strings: TemplateStringsArray,
    ...params: any[]
  ): NeonQueryPromise<ArrayMode, FullResults, HTTPQueryResult<ArrayMode, FullResults, Row>>;
  /**
   * `sql.query`'s signature; of the per-query options only `arrayMode`, `fullResults` and
   * `types` apply (there is no HTTP request).
   */
  query: NeonQueryFunction<ArrayMode, FullResults>['query'];
  unsafe(rawSQL: string): UnsafeRawSql;
  /** 1 for the first run of the callback, 2 for the first retry, … */
  readonly attempt: number;
}

export type BeginCallback<T, ArrayMode extends boolean, FullResults extends boolean> = (
  tx: NeonTransactionQueryFunction<ArrayMode, FullResults>,
) => Promise<T> | T;

/** `getServerInfo()` over HTTP: the Client's shape, with `protocol: 'http'`. */
export interface HTTPServerInfo extends Omit<ServerInfo, 'protocol'> {
  protocol: 'http';
}

/** `verifyConnectivity()` / `getServerInfo()` over HTTP: a time budget, and the caller's signal. */
export interface HTTPVerifyConnectivityOptions extends VerifyConnectivityOptions {
  signal?: AbortSignal;
}

/** `executeQuery()` over HTTP: the Client's options, the per-query HTTP options and a time budget. */
export type HTTPExecuteQueryOptions<R extends QueryResultRow = any, T = R> = ExecuteQueryOptions<R, T> &
  Omit<HTTPQueryOptions<boolean, false>, 'fullResults'> & {
    /** Rejects with a `TimeoutError` when no answer came within this many ms. Default: none. */
    timeoutMs?: number;
  };

/** The additions to `NeonQueryFunction` (see ./types.ts). */
export interface NeonSessionMethods<ArrayMode extends boolean, FullResults extends boolean> {
  /**
   * Runs `fn(tx)` in an interactive transaction on one WebSocket session (opened at the call,
   * closed at the end): BEGIN, `fn`, COMMIT, or ROLLBACK when it throws. On SQLSTATE 40001/40P01
   * the whole function is re-run with backoff, within `maxRetryTimeMs`.
   */
  begin<T, ArrayModeOverride extends boolean = ArrayMode, FullResultsOverride extends boolean = FullResults>(
    fn: BeginCallback<T, ArrayModeOverride, FullResultsOverride>,
    opts?: BeginOptions<ArrayModeOverride, FullResultsOverride>,
  ): Promise<T>;
  /** Runs `select 1` over HTTP within `timeoutMs` (default 10 000). */
  verifyConnectivity(options?: HTTPVerifyConnectivityOptions): Promise<void>;
  /** Server version and session parameters, in one HTTP request. */
  getServerInfo(options?: HTTPVerifyConnectivityOptions): Promise<HTTPServerInfo>;
  /** One query over HTTP with a summary (as `client.executeQuery`). */
  executeQuery<R extends QueryResultRow = any, T = R>(
    text: string,
    params?: unknown[],
    options?: HTTPExecuteQueryOptions<R, T>,
  ): Promise<EagerResult<T>>;
}
