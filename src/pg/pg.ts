/**
 * The object `require('pg')` / `import pg from 'pg'` is, built from edgepg's classes: what code
 * written for node-postgres reaches through the default import (`pg.Pool`, `pg.types`, …).
 * Member for member the same keys as pg 8.23's `new PG(Client)`.
 */
import { Client } from '../client/client.js';
import { DatabaseError } from '../core/database-error.js';
import { defaults } from '../core/defaults.js';
import { escapeIdentifier, escapeLiteral } from '../core/escape.js';
import { Result } from '../core/result.js';
import { TypeOverrides, types } from '../core/types.js';
import { Pool } from '../pool/pool.js';
import { Connection } from './connection.js';
import { Query } from './query.js';
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

function createPg(): Pg {
  // Keys in pg's order; `Pool` is edgepg's Pool, which already builds edgepg's Client.
  const pg = {
    defaults,
    Client,
    Query,
    Pool,
    _pools: [] as Pool[],
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
  return Object.defineProperty(pg, 'native', { value: null, enumerable: false, configurable: true }) as Pg;
}

export const pg: Pg = /* @__PURE__ */ createPg();
