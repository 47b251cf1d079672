/**
 * edgepg — the full entry: the pg-compatible `Client` and `Pool`, the HTTP `neon()` function
 * and the shared value core.
 */
import './core/buffer.js';

export type { ClientConfig, QueryCallback, QueryConfig } from './client/client.js';
export { Client } from './client/client.js';
export type { CopyChunk, CopyFromStream, CopyToStream } from './client/copy.js';
export type { CursorOptions } from './client/cursor.js';
export { QueryCursor } from './client/cursor.js';
export type { EagerResult, ExecuteQueryOptions, QuerySummary } from './client/execute-query.js';
export type { Listener, Notification, NotificationHandler } from './client/listen.js';
export type { ServerInfo, VerifyConnectivityOptions } from './client/server-info.js';
export type { Transaction, TransactionOptions } from './client/transaction.js';
export { CommitUnknownError } from './client/transaction.js';
export { EventEmitter } from './core/emitter.js';
export * from './core/index.js';
// The HTTP query function too, so `edgepg` can stand in for `@neondatabase/serverless`.
export * from './http/index.js';
// …but with `sql.begin` working: the HTTP-only entry leaves the WebSocket session out.
export { neon } from './http/neon-session.js';
export type { PoolClient, PoolConfig } from './pool/pool.js';
export { Pool } from './pool/pool.js';
