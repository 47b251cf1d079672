/**
 * The object `require('pg')` / `import pg from 'pg'` is, built from edgepg's classes: what code
 * written for node-postgres reaches through the default import (`pg.Pool`, `pg.types`, …).
 * Member for member the same keys as pg 8.23's `new PG(Client)`.
 */
import type * as client from '../client/client.js';
import { Client, type Client as ClientType } from '../client/client.js';
import type * as submittable from '../client/submittable.js';
import type * as params from '../core/connection-parameters.js';
import { DatabaseError, type DatabaseError as DatabaseErrorType } from '../core/database-error.js';
import type * as defaultsModule from '../core/defaults.js';
import { defaults } from '../core/defaults.js';
import { escapeIdentifier, escapeLiteral } from '../core/escape.js';
import type * as result from '../core/result.js';
import { type QueryResultRow, Result, type Result as ResultType } from '../core/result.js';
import type * as typesModule from '../core/types.js';
import { TypeOverrides, type TypeOverrides as TypeOverridesType, types } from '../core/types-full.js';
import type * as pool from '../pool/pool.js';
import { Pool, type Pool as PoolType } from '../pool/pool.js';
import { Connection, type Connection as ConnectionType } from './connection.js';
import { Query, type Query as QueryType } from './query.js';
import type * as extra from './types.js';
import { utils } from './utils.js';

/** The shape of pg's module object. */
export interface Pg {
  defaults: typeof defaults;
  Client: typeof Client;
  Query: typeof Query;
  Pool: typeof Pool;
  /** Vestigial in pg too: always empty. */
  _pools: Pool[];
  Connection: typeof Connection;
  types: typeof types;
  DatabaseError: typeof DatabaseError;
  TypeOverrides: typeof TypeOverrides;
  escapeIdentifier: typeof escapeIdentifier;
  escapeLiteral: typeof escapeLiteral;
  Result: typeof Result;
  utils: typeof utils;
  /** pg without `pg-native` installed: `null` (there is no libpq binding in edgepg). */
  readonly native: null;
}

/** `null`, as pg without `pg-native` installed: edgepg has no libpq binding. */
export const native: null = null;

/** Vestigial in pg too (always empty); the same array as `pg._pools`. */
export const _pools: Pool[] = [];

function createPg(): Pg {
  // Keys in pg's order; `Pool` is edgepg's Pool, which already builds edgepg's Client.
  const pg = {
    defaults,
    Client,
    Query,
    Pool,
    _pools,
    Connection,
    types,
    DatabaseError,
    TypeOverrides,
    escapeIdentifier,
    escapeLiteral,
    Result,
    utils,
  };
  // Non-enumerable as in pg (where it is a lazy getter), so spreading `pg` does not copy it.
  return Object.defineProperty(pg, 'native', { value: native, enumerable: false, configurable: true }) as Pg;
}

export const pg: Pg = /* @__PURE__ */ createPg();

/*
 * Types under the same name, so `import pg from 'pg'` gives `pg.Pool`, `pg.QueryResult`, … as
 * types too, as @types/pg's namespace import does (drizzle-orm/node-postgres and Prisma's
 * adapter-pg write their declarations that way).
 */
// biome-ignore lint/suspicious/noExplicitAny: row and value types default to any, as in @types/pg
type Any = any;
// Declared outside the namespace under other names: inside it, `Client` means the member itself.
type PgClient = ClientType;
type PgPool = PoolType;
type PgTypeOverrides = TypeOverridesType;
type PgDatabaseError = DatabaseErrorType;
type PgConnection = ConnectionType;
type PgBindConfig = extra.BindConfig;
type PgClientBase = extra.ClientBase;
type PgClientConfig = client.ClientConfig;
type PgConnectionConfig = params.ConnectionConfig;
type PgCustomTypesConfig = typesModule.CustomTypesConfig;
type PgDefaults = defaultsModule.Defaults;
type PgEvents = extra.Events;
type PgExecuteConfig = extra.ExecuteConfig;
type PgFieldDef = result.FieldDef;
type PgMessageConfig = extra.MessageConfig;
type PgNotification = extra.Notification;
type PgPoolClient = pool.PoolClient;
type PgPoolConfig = pool.PoolConfig;
type PgQueryParse = extra.QueryParse;
type PgQueryResultBase = extra.QueryResultBase;
type PgQueryResultRow = result.QueryResultRow;
type PgSubmittable = submittable.Submittable;
type PgTransactionStatus = extra.TransactionStatus;
type PgQuery<R extends QueryResultRow> = QueryType<R>;
type PgResult<R extends QueryResultRow> = ResultType<R>;
type PgQueryResult<R extends QueryResultRow> = extra.QueryResult<R>;
type PgQueryArrayResult<R extends Any[]> = extra.QueryArrayResult<R>;
type PgResultBuilder<R extends QueryResultRow> = extra.ResultBuilder<R>;
type PgQueryConfig<I> = client.QueryConfig<I>;
type PgQueryArrayConfig<I> = extra.QueryArrayConfig<I>;
export declare namespace pg {
  export type Client = PgClient;
  export type Pool = PgPool;
  export type TypeOverrides = PgTypeOverrides;
  export type DatabaseError = PgDatabaseError;
  export type Connection = PgConnection;
  export type BindConfig = PgBindConfig;
  export type ClientBase = PgClientBase;
  export type ClientConfig = PgClientConfig;
  export type ConnectionConfig = PgConnectionConfig;
  export type CustomTypesConfig = PgCustomTypesConfig;
  export type Defaults = PgDefaults;
  export type Events = PgEvents;
  export type ExecuteConfig = PgExecuteConfig;
  export type FieldDef = PgFieldDef;
  export type MessageConfig = PgMessageConfig;
  export type Notification = PgNotification;
  export type PoolClient = PgPoolClient;
  export type PoolConfig = PgPoolConfig;
  export type QueryParse = PgQueryParse;
  export type QueryResultBase = PgQueryResultBase;
  export type QueryResultRow = PgQueryResultRow;
  export type Submittable = PgSubmittable;
  export type TransactionStatus = PgTransactionStatus;
  export type Query<R extends QueryResultRow = Any> = PgQuery<R>;
  export type Result<R extends QueryResultRow = Any> = PgResult<R>;
  export type QueryResult<R extends QueryResultRow = Any> = PgQueryResult<R>;
  export type QueryArrayResult<R extends Any[] = Any[]> = PgQueryArrayResult<R>;
  export type ResultBuilder<R extends QueryResultRow = Any> = PgResultBuilder<R>;
  export type QueryConfig<I = Any[]> = PgQueryConfig<I>;
  export type QueryArrayConfig<I = Any[]> = PgQueryArrayConfig<I>;
}
