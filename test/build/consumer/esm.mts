// Compiled by test/build/dist.test.ts against the published types (resolved through `exports`).
import { ConfigError, type FieldDef, prepareValue, Result, TypeOverrides, types } from 'edgepg';

const value: string | Buffer | null = prepareValue([1, 2]);
const result = new Result<{ a: number }>();
const fields: FieldDef[] = result.fields;
const overrides = new TypeOverrides(types);
overrides.setTypeParser(20, (v: string) => BigInt(v));
const err: Error = new ConfigError('x');

export { err, fields, value };

// pg's module shape: the default export as a value and as a type namespace, and the deep paths.
import pg from 'edgepg';
import libDefaults from 'edgepg/lib/defaults';
import LibResult from 'edgepg/lib/result.js';
import libUtils, { prepareValue as libPrepare } from 'edgepg/lib/utils.js';
import pgOnly, { type QueryResult as PgOnlyResult } from 'edgepg/pg';

const pool: pg.Pool = new pg.Pool({ max: 1 });
const libResult: pg.Result = new LibResult();
const sameDefaults: boolean = libDefaults === pg.defaults && libUtils.prepareValue === libPrepare;
const pgOnlyResult: PgOnlyResult = libResult;
const pgOnlyClient: pg.Client = new pgOnly.Client();

export { pgOnlyClient, pgOnlyResult, pool, sameDefaults };
