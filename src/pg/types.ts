/**
 * Type names of @types/pg 8.23 and @neondatabase/serverless 1.2.0 (which re-exports pg's) that
 * have no class of their own in edgepg, so code and `.d.ts` files that import them compile
 * against edgepg under either alias. Shapes follow @types/pg; where edgepg's runtime value is a
 * class of ours (`ClientBase`, `Events`) the name is that class's type.
 */
import type { Client, QueryConfig } from '../client/client.js';
import type { EventEmitter } from '../core/emitter.js';
import type { NeonConfig, NeonConfigGlobalOnly } from '../core/neon-config.js';
import type { FieldDef, QueryResultRow } from '../core/result.js';
import type { Pool } from '../pool/pool.js';

export interface QueryResultBase {
  command: string;
  rowCount: number | null;
  oid: number;
  fields: FieldDef[];
}

// biome-ignore lint/suspicious/noExplicitAny: rows default to any, as in @types/pg
export interface QueryResult<R extends QueryResultRow = any> extends QueryResultBase {
  rows: R[];
}

// biome-ignore lint/suspicious/noExplicitAny: as in @types/pg
export interface QueryArrayResult<R extends any[] = any[]> extends QueryResultBase {
  rows: R[];
}

// biome-ignore lint/suspicious/noExplicitAny: as in @types/pg
export interface ResultBuilder<R extends QueryResultRow = any> extends QueryResult<R> {
  addRow(row: R): void;
}

/** A query config whose rows come back as arrays. */
export interface QueryArrayConfig<I = unknown[]> extends QueryConfig<I> {
  rowMode: 'array';
}

/** A `LISTEN`/`NOTIFY` message, as the `notification` event passes it. */
export interface Notification {
  processId: number;
  channel: string;
  payload?: string;
}

/** The messages a Submittable writes through its `connection` (pg's `Connection` methods). */
export interface QueryParse {
  name: string;
  text: string;
  types: string[];
}

export interface BindConfig {
  portal?: string;
  statement?: string;
  binary?: string;
  values?: Array<Uint8Array | null | undefined | string>;
  // biome-ignore lint/suspicious/noExplicitAny: parameters are any value, as in @types/pg
  valueMapper?: (param: any, index: number) => any;
}

export interface ExecuteConfig {
  portal?: string;
  rows?: string;
}

export interface MessageConfig {
  type: string;
  name?: string;
}

/** The values of a query config whose values type is an array (@types/pg's helper). */
export type QueryConfigValues<T> = T extends Array<unknown> ? T : never;

/** A pool's options after pg-pool's normalisation, as `pool.options` shows them. */
export type PoolOptions = Pool['options'];

/** A transaction status byte from ReadyForQuery: idle, in a transaction, failed transaction. */
export type TransactionStatus = 'I' | 'T' | 'E' | null;

/** pg's `ClientBase` is the part of `Client` a pooled client shares; here it is `Client`. */
export type ClientBase = Client;

/** Neon's and pg's `Events`: an EventEmitter. */
export type Events = EventEmitter;

/** The `neonConfig` keys a single client may override (Neon's name). */
export type NeonConfigGlobalAndClient = Omit<NeonConfig, keyof NeonConfigGlobalOnly>;

/** The WebSocket shape `neonConfig.webSocketConstructor` must build (Neon's names). */
export interface WebSocketLike {
  readonly readyState: number;
  binaryType: string;
  close(code?: number, reason?: string): void;
  // biome-ignore lint/suspicious/noExplicitAny: any frame payload the socket accepts
  send(data: any): void;
  addEventListener(
    type: 'open' | 'message' | 'close' | 'error',
    // biome-ignore lint/suspicious/noExplicitAny: the event types differ per implementation
    listener: (this: WebSocketLike, ev: any) => any,
    // biome-ignore lint/suspicious/noExplicitAny: as above
    options?: any,
  ): void;
}

export interface WebSocketConstructor {
  // biome-ignore lint/suspicious/noExplicitAny: constructor arguments differ per implementation
  new (...args: any[]): WebSocketLike;
}

/**
 * Neon exports its internal WebSocket read buffer class by type. edgepg has no such class (its
 * transport hands frames to the engine directly); the name is kept for type imports only.
 */
export interface WebSocketReadQueue {
  moreDataMayFollow(): boolean;
}

/*
 * Neon's declarations also export the API of `subtls` (TLS inside the WebSocket, which Neon
 * enables with `neonConfig.subtls` and `forceDisablePgSSL = false`). None of it exists at
 * runtime in Neon's package, and edgepg has no TLS-inside-WebSocket mode (the proxy's `wss:`
 * carries TLS), so the names are types only, there for `import type` to compile.
 */

/** Opens a TLS session over a byte stream (subtls's `startTls`); type only. */
export type startTls = (
  host: string,
  rootCertsDatabase: unknown,
  networkRead: (bytes: number) => Promise<Uint8Array | undefined>,
  networkWrite: (data: Uint8Array) => void,
  options?: Record<string, unknown>,
) => Promise<{
  readonly read: () => Promise<Uint8Array | undefined>;
  readonly write: (data: Uint8Array) => Promise<void>;
  readonly userCert: unknown;
}>;

/** A root certificate (subtls's `TrustedCert`); type only. */
export interface TrustedCert {
  readonly subjectKeyIdentifier?: unknown;
}

/** The `subtls` module's shape; type only. */
export interface subtls {
  startTls: startTls;
  TrustedCert: unknown;
  WebSocketReadQueue: unknown;
}
