/**
 * `edgepg/pg` — node-postgres's module shape and nothing else: pg 8.23's named ESM exports, the
 * `pg` object as the default export, and @types/pg's type names. For bundler aliases
 * (`alias: { pg: 'edgepg/pg' }`); a package-manager alias of `pg` reaches the main entry,
 * which has the same members (see src/index.ts).
 */
// Every value from the main entry itself (an external import in the build): `edgepg/pg` and
// `edgepg` hold the very same classes and objects, and this entry adds no chunk of its own.
import pg from '../index.js';

export type {
  ClientConfig,
  ConnectionConfig,
  CustomTypesConfig,
  Defaults,
  FieldDef,
  Pg,
  PgQueryConfig,
  PoolClient,
  PoolConfig,
  QueryConfig,
  QueryResultRow,
  Submittable,
} from '../index.js';
export {
  Client,
  Connection,
  DatabaseError,
  defaults,
  escapeIdentifier,
  escapeLiteral,
  native,
  Pool,
  Query,
  Result,
  TypeOverrides,
  types,
} from '../index.js';
// Type names of @types/pg and Neon with no class here (see the file).
export type * from './types.js';

export default pg;
