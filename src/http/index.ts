/**
 * `edgepg/http` — the Neon-compatible `neon()` query function over HTTP, alone: no WebSocket,
 * no wire protocol, no pg-protocol, so it bundles small for browsers and edge runtimes.
 */
export type {
  FetchEndpoint,
  FetchEndpointOptions,
  NeonConfig,
  NeonConfigGlobalOnly,
  NeonConfigObject,
} from '../core/neon-config.js';
export { neonConfig } from '../core/neon-config.js';
export type { FieldDef } from '../core/result.js';
export type { CustomTypesConfig } from '../core/types.js';
export { types } from '../core/types.js';
export { warnIfBrowser } from './browser-warning.js';
export { neon } from './neon.js';
export type { ErrorField } from './neon-db-error.js';
export { errorFields, NeonDbError } from './neon-db-error.js';
export type { NeonQueryExecutor } from './query-promise.js';
export { NeonQueryPromise } from './query-promise.js';
export type {
  BeginCallback,
  BeginOptions,
  HTTPExecuteQueryOptions,
  HTTPServerInfo,
  HTTPVerifyConnectivityOptions,
  NeonSessionMethods,
  NeonTransactionQueryFunction,
} from './session-types.js';
export { SqlTemplate, UnsafeRawSql } from './sql-template.js';
export type {
  FetchFunction,
  FetchResponse,
  FullQueryResults,
  HTTPConnectionParams,
  HTTPQueryOptions,
  HTTPQueryResult,
  HTTPRetryOptions,
  HTTPTransactionOptions,
  NeonQueryFunction,
  NeonQueryFunctionInTransaction,
  NeonQueryInTransaction,
  ParameterizedQuery,
  ProcessQueryResultOptions,
  QueryRows,
  QueryTimings,
  ThingLike,
} from './types.js';
