/**
 * npm `pg` as a differential oracle. Only tests import this; the product never depends on pg.
 */
import { createRequire } from 'node:module';
import pg from 'pg';

const require = createRequire(import.meta.url);

export const pgUtils = require('pg/lib/utils.js') as {
  prepareValue(value: unknown): string | Buffer | null;
};
export const PgResult = require('pg/lib/result.js') as new (
  rowMode?: string,
  types?: unknown,
) => {
  command: string | null;
  rowCount: number | null;
  oid: number | null;
  rows: unknown[];
  fields: unknown[];
  addCommandComplete(msg: { text: string }): void;
  addFields(fields: unknown[]): void;
  parseRow(row: (string | null)[]): unknown;
};
export const PgConnectionParameters = require('pg/lib/connection-parameters.js') as new (
  config?: unknown,
) => Record<string, unknown>;

export { pg };
