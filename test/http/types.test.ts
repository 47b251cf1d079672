/**
 * Type-level tests: result types for every arrayMode × fullResults combination at each level,
 * typed rows, and assignability to the names and shapes of Neon 1.2.0's types. These are checked
 * by `tsc --noEmit -p .` (part of `npm run check`); at runtime the test only builds the
 * (never-awaited) lazy queries.
 */
import type * as NeonTypes from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expectTypeOf, it } from 'vitest';
import {
  type FullQueryResults,
  type HTTPQueryOptions,
  type HTTPTransactionOptions,
  NeonDbError,
  type NeonQueryFunction,
  type NeonQueryFunctionInTransaction,
  type NeonQueryPromise,
  neon,
  neonConfig,
  type ParameterizedQuery,
  type QueryRows,
  type SqlTemplate,
  type UnsafeRawSql,
} from '../../src/http/index.js';

const URL = 'postgresql://u:p@h.tech/db';

// transaction() is eager (as Neon's) and something may await a lazy query: answer nothing, so
// no request leaves the process and nothing fails after the test.
beforeAll(() => {
  neonConfig.fetchFunction = () => new Promise<never>(() => {});
});
afterAll(() => {
  neonConfig.fetchFunction = undefined;
});
/** Neon's row types, spelled out. */
// biome-ignore lint/suspicious/noExplicitAny: Neon's object row type
type AnyRow = Record<string, any>;
// biome-ignore lint/suspicious/noExplicitAny: Neon's array row type
type AnyArrayRow = any[];

interface User {
  id: number;
  name: string;
}

describe('result types', () => {
  it('neon() options: every arrayMode × fullResults combination', () => {
    expectTypeOf(neon(URL)`SELECT 1`).resolves.toEqualTypeOf<AnyRow[]>();
    expectTypeOf(neon(URL, { arrayMode: true })`SELECT 1`).resolves.toEqualTypeOf<AnyArrayRow[]>();
    expectTypeOf(neon(URL, { fullResults: true })`SELECT 1`).resolves.toEqualTypeOf<
      FullQueryResults<false>
    >();
    expectTypeOf(neon(URL, { arrayMode: true, fullResults: true })`SELECT 1`).resolves.toEqualTypeOf<
      FullQueryResults<true>
    >();
    expectTypeOf(neon({ connectionString: URL, arrayMode: true })`SELECT 1`).resolves.toEqualTypeOf<
      AnyArrayRow[]
    >();
    expectTypeOf(neon(URL)).toEqualTypeOf<NeonQueryFunction<false, false>>();
  });

  it('query() options override the instance’s, in every combination', () => {
    const sql = neon(URL, { arrayMode: true, fullResults: true });
    expectTypeOf(sql.query('SELECT 1')).resolves.toEqualTypeOf<FullQueryResults<true>>();
    expectTypeOf(sql.query('SELECT 1', [], { arrayMode: false })).resolves.toEqualTypeOf<
      FullQueryResults<false>
    >();
    expectTypeOf(sql.query('SELECT 1', [], { fullResults: false })).resolves.toEqualTypeOf<AnyArrayRow[]>();
    expectTypeOf(sql.query('SELECT 1', [], { arrayMode: false, fullResults: false })).resolves.toEqualTypeOf<
      AnyRow[]
    >();
    const plain = neon(URL);
    expectTypeOf(plain.query('SELECT 1', [], { arrayMode: true, fullResults: true })).resolves.toEqualTypeOf<
      FullQueryResults<true>
    >();
  });

  it('transaction() options decide the result array type', () => {
    const sql = neon(URL);
    expectTypeOf(sql.transaction([sql`SELECT 1`])).resolves.toEqualTypeOf<AnyRow[][]>();
    expectTypeOf(sql.transaction([sql`SELECT 1`], { arrayMode: true })).resolves.toEqualTypeOf<
      AnyArrayRow[][]
    >();
    expectTypeOf(sql.transaction([sql`SELECT 1`], { fullResults: true })).resolves.toEqualTypeOf<
      FullQueryResults<false>[]
    >();
    expectTypeOf(
      sql.transaction((tx) => [tx`SELECT 1`], { arrayMode: true, fullResults: true }),
    ).resolves.toEqualTypeOf<FullQueryResults<true>[]>();
    sql.transaction((tx) => {
      expectTypeOf(tx).toEqualTypeOf<NeonQueryFunctionInTransaction<false, false>>();
      // @ts-expect-error queries inside a transaction take no options (as in Neon's types)
      tx.query('SELECT 1', [], { arrayMode: true });
      // @ts-expect-error no nested transactions
      tx.transaction;
      return [tx`SELECT 1`, tx.query('SELECT 1'), tx`SELECT ${tx.unsafe('1')}`];
    });
  });

  it('boolean (unknown at compile time) modes give the union, as in Neon', () => {
    const flag = Math.random() > 0.5;
    expectTypeOf(neon(URL, { arrayMode: flag })`SELECT 1`).resolves.toEqualTypeOf<AnyRow[] | AnyArrayRow[]>();
    expectTypeOf<QueryRows<boolean>>().toEqualTypeOf<AnyArrayRow[] | AnyRow[]>();
  });
});

describe('typed rows', () => {
  it('sql<Row>`…` and sql.query<Row>(…)', () => {
    const sql = neon(URL);
    expectTypeOf(sql<User>`SELECT id, name FROM users`).resolves.toEqualTypeOf<User[]>();
    expectTypeOf(sql.query<User>('SELECT id, name FROM users')).resolves.toEqualTypeOf<User[]>();
    expectTypeOf(neon(URL, { fullResults: true })<User>`SELECT 1`).resolves.toEqualTypeOf<
      FullQueryResults<false, User>
    >();
    expectTypeOf(neon(URL, { fullResults: true })<User>`SELECT 1`.then((r) => r.rows)).resolves.toEqualTypeOf<
      User[]
    >();
    expectTypeOf(neon(URL, { arrayMode: true })<[number, string]>`SELECT 1, 'a'`).resolves.toEqualTypeOf<
      [number, string][]
    >();
    expectTypeOf(sql.query<User, false, true>('SELECT 1', [], { fullResults: true })).resolves.toEqualTypeOf<
      FullQueryResults<false, User>
    >();
    // The boolean overload still comes first: a boolean type argument is an array-mode override.
    expectTypeOf(sql.query<true>('SELECT 1', [], { arrayMode: true })).resolves.toEqualTypeOf<
      AnyArrayRow[]
    >();
  });
});

describe('compatibility with Neon 1.2.0’s types', () => {
  it('our values are assignable to Neon’s types', () => {
    const sql = neon(URL);
    expectTypeOf(sql).toMatchTypeOf<NeonTypes.NeonQueryFunction<false, false>>();
    expectTypeOf(neon(URL, { arrayMode: true, fullResults: true })).toMatchTypeOf<
      NeonTypes.NeonQueryFunction<true, true>
    >();
    expectTypeOf(sql`SELECT 1`).toMatchTypeOf<Promise<AnyRow[]>>();
    expectTypeOf<FullQueryResults<true>>().toMatchTypeOf<NeonTypes.FullQueryResults<true>>();
    expectTypeOf<NeonTypes.FullQueryResults<true>>().toMatchTypeOf<FullQueryResults<true>>();
    expectTypeOf<NeonDbError>().toMatchTypeOf<NeonTypes.NeonDbError>();
    expectTypeOf<NeonTypes.HTTPTransactionOptions<true, false>>().toMatchTypeOf<
      HTTPTransactionOptions<true, false>
    >();
    expectTypeOf<NeonTypes.HTTPQueryOptions<true, false>>().toMatchTypeOf<HTTPQueryOptions<true, false>>();
    expectTypeOf<ParameterizedQuery>().toEqualTypeOf<NeonTypes.ParameterizedQuery>();
    expectTypeOf<QueryRows<true>>().toEqualTypeOf<NeonTypes.QueryRows<true>>();
    expectTypeOf<QueryRows<false>>().toEqualTypeOf<NeonTypes.QueryRows<false>>();
    expectTypeOf<InstanceType<typeof UnsafeRawSql>>().toMatchTypeOf<NeonTypes.UnsafeRawSql>();
    expectTypeOf<InstanceType<typeof SqlTemplate>>().toMatchTypeOf<NeonTypes.SqlTemplate>();
    expectTypeOf<NeonQueryPromise<false, false, number>>().toMatchTypeOf<Promise<number>>();
    // What drizzle's neon-http session calls.
    const clientQuery = sql.query;
    expectTypeOf(clientQuery('SELECT 1', [1], { arrayMode: true, fullResults: true })).resolves.toEqualTypeOf<
      FullQueryResults<true>
    >();
  });

  it('the classes behave as declared', () => {
    expectTypeOf(new NeonDbError('x').name).toEqualTypeOf<'NeonDbError'>();
    expectTypeOf(new NeonDbError('x').code).toEqualTypeOf<string | undefined>();
    expectTypeOf(new NeonDbError('x').sourceError).toEqualTypeOf<Error | undefined>();
  });
});
