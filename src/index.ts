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
export type { Submittable } from './client/submittable.js';
export type { Transaction, TransactionOptions } from './client/transaction.js';
export { CommitUnknownError } from './client/transaction.js';
export { EventEmitter } from './core/emitter.js';
export * from './core/index.js';
// Both star exports above name `types`: the full registry view (with binary parsers) is this entry's.
export { TypeOverrides, types } from './core/types-full.js';
// The HTTP query function too, so `edgepg` can stand in for `@neondatabase/serverless`.
export * from './http/index.js';
// …but with `sql.begin` working: the HTTP-only entry leaves the WebSocket session out.
export { neon } from './http/neon-session.js';
// Neon 1.2.0's remaining runtime names.
export { _bundleExt } from './pg/bundle-ext.js';
export { Connection } from './pg/connection.js';
export { parseIntoClientConfig } from './pg/parse-into-client-config.js';
export type { Pg } from './pg/pg.js';
/*
 * node-postgres's shape on the main entry too. An app that aliases `"pg": "npm:edgepg@^1"`
 * reaches this file (not `edgepg/pg`) through `require('pg')` and `import pg from 'pg'`, so the
 * pg object is the default export (CJS: `require('pg').default`, and every member also as a named
 * export), and `utils`/`native`/`_pools` are named exports so `require('pg').utils` and
 * `require('pg').native || require('pg')` work. Neon's names above are unchanged, so an alias of
 * `@neondatabase/serverless` keeps working.
 */
export { _pools, native, pg as default } from './pg/pg.js';
export type { PgQueryConfig } from './pg/query.js';
export { Query } from './pg/query.js';
// Type names of @types/pg and Neon with no class here (see the file).
export type * from './pg/types.js';
// pg's prepareValue (bytes as Buffer); the value core's own returns any Uint8Array.
export { prepareValue, utils } from './pg/utils.js';
export type { PoolClient, PoolConfig } from './pool/pool.js';
export { Pool } from './pool/pool.js';
