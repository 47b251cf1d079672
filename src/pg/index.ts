/**
 * `edgepg/pg` — node-postgres's module shape and nothing else: pg 8.23's named ESM exports, the
 * `pg` object as the default export, and @types/pg's type names. For bundler aliases
 * (`alias: { pg: 'edgepg/pg' }`); a package-manager alias of `pg` reaches the main entry,
 * which has the same members (see src/index.ts).
 */
import '../core/buffer.js';
import { pg } from './pg.js';

export { Client } from '../client/client.js';
export { DatabaseError } from '../core/database-error.js';
export { defaults } from '../core/defaults.js';
export { escapeIdentifier, escapeLiteral } from '../core/escape.js';
export { Result } from '../core/result.js';
export { TypeOverrides, types } from '../core/types.js';
export { Pool } from '../pool/pool.js';
export { Connection } from './connection.js';
export type { Pg } from './pg.js';
export type { PgQueryConfig } from './query.js';
export { Query } from './query.js';
export default pg;
