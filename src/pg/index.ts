/**
 * `edgepg/pg` — node-postgres's module shape and nothing else: pg 8.23's named ESM exports, the
 * `pg` object as the default export, and @types/pg's type names. For bundler aliases
 * (`alias: { pg: 'edgepg/pg' }`); a package-manager alias of `pg` reaches the main entry,
 * which has the same members (see src/index.ts).
 */
import '../core/buffer.js';
import { pg } from './pg.js';

export type { ClientConfig, QueryConfig } from '../client/client.js';
export { Client } from '../client/client.js';
export type { Submittable } from '../client/submittable.js';
export type { ConnectionConfig } from '../core/connection-parameters.js';
export { DatabaseError } from '../core/database-error.js';
export type { Defaults } from '../core/defaults.js';
export { defaults } from '../core/defaults.js';
export { escapeIdentifier, escapeLiteral } from '../core/escape.js';
export type { FieldDef, QueryResultRow } from '../core/result.js';
export { Result } from '../core/result.js';
export type { CustomTypesConfig } from '../core/types.js';
export { TypeOverrides, types } from '../core/types.js';
export type { PoolClient, PoolConfig } from '../pool/pool.js';
export { Pool } from '../pool/pool.js';
export { Connection } from './connection.js';
export type { Pg } from './pg.js';
export { native } from './pg.js';
export type { PgQueryConfig } from './query.js';
export { Query } from './query.js';
// Type names of @types/pg and Neon with no class here (see the file).
export type * from './types.js';

export default pg;
