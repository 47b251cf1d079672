/**
 * Kysely scenarios shared by every dialect (kysely-neon over HTTP, PostgresDialect over a Neon
 * Pool on WebSocket and over a pg Pool on TCP).
 */
import type { Generated, Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import { expect, it } from 'vitest';
import { load } from '../env.js';

export interface PersonTable {
  id: Generated<number>;
  name: string;
  /** int8 arrives as a string (pg-types' default), as with pg and Neon. */
  big: Generated<string>;
  doc: { tags: string[]; n: number } | null;
  data: Uint8Array | null;
  at: Date | null;
}

export interface KyDatabase {
  ky_person: PersonTable;
}

export type KyselyModule = typeof import('kysely');

export const CREATE_PERSON = [
  'drop table if exists ky_person',
  `create table ky_person (
    id serial primary key,
    name text not null constraint ky_person_name_unique unique,
    big bigint not null default 0,
    doc jsonb,
    data bytea,
    at timestamptz(3)
  )`,
];

export interface KyselyContext {
  db: Kysely<KyDatabase>;
  kysely: KyselyModule;
  /** Names this block's migration tables (blocks over different transports share a database). */
  tag: string;
}

export function sharedScenarios(ctx: () => KyselyContext): void {
  it('inserts, selects, updates and deletes, counting affected rows', async () => {
    const { db } = ctx();
    const inserted = await db
      .insertInto('ky_person')
      .values([{ name: 'crud-a' }, { name: 'crud-b' }, { name: 'crud-c' }])
      .executeTakeFirstOrThrow();
    expect(inserted.numInsertedOrUpdatedRows).toBe(3n);

    const rows = await db
      .selectFrom('ky_person')
      .select(['name', 'big'])
      .where('name', 'like', 'crud-%')
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: 'crud-a', big: '0' },
      { name: 'crud-b', big: '0' },
      { name: 'crud-c', big: '0' },
    ]);

    const updated = await db
      .updateTable('ky_person')
      .set((eb) => ({ big: eb('big', '+', '5') }))
      .where('name', 'in', ['crud-a', 'crud-b'])
      .executeTakeFirstOrThrow();
    expect(updated.numUpdatedRows).toBe(2n);

    const deleted = await db.deleteFrom('ky_person').where('name', '=', 'crud-c').executeTakeFirstOrThrow();
    expect(deleted.numDeletedRows).toBe(1n);

    const returned = await db
      .updateTable('ky_person')
      .set({ name: 'crud-a2' })
      .where('name', '=', 'crud-a')
      .returning(['name', 'big'])
      .execute();
    expect(returned).toEqual([{ name: 'crud-a2', big: '5' }]);
  });

  it('round-trips bigint, jsonb, bytea, timestamptz and nulls', async () => {
    const { db } = ctx();
    const data = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);
    const doc = { tags: ['ü', "it's", '{brace}'], n: -0.25 };
    const at = new Date('2023-03-12T06:59:59.999Z'); // around a DST change in America/New_York
    const row = await db
      .insertInto('ky_person')
      .values({ name: 'values', big: '-9223372036854775808', doc, data, at })
      .returningAll()
      .executeTakeFirstOrThrow();
    expect(row.big).toBe('-9223372036854775808');
    expect(row.doc).toEqual(doc);
    expect(Uint8Array.from(row.data ?? [])).toEqual(data);
    expect(row.at).toBeInstanceOf(Date);
    expect(row.at?.toISOString()).toBe(at.toISOString());

    const empty = await db
      .insertInto('ky_person')
      .values({ name: 'nulls', doc: null, data: null, at: null })
      .returning(['doc', 'data', 'at'])
      .executeTakeFirstOrThrow();
    expect(empty).toEqual({ doc: null, data: null, at: null });
  });

  it('counts the rows a MERGE touched', async () => {
    const { db, kysely } = ctx();
    await db.insertInto('ky_person').values({ name: 'merge-old' }).execute();
    const incoming = kysely.sql<{ name: string }>`(values ('merge-old'), ('merge-new'))`.as('src');
    const result = await db
      .mergeInto('ky_person as p')
      .using(incoming, (join) => join.onRef('p.name', '=', kysely.sql.ref('src.column1')))
      .whenMatched()
      .thenUpdateSet({ big: '1' })
      .whenNotMatched()
      .thenInsertValues({ name: kysely.sql`src.column1`, big: '2' })
      .executeTakeFirstOrThrow();
    expect(result.numChangedRows).toBe(2n);
    const rows = await db
      .selectFrom('ky_person')
      .select(['name', 'big'])
      .where('name', 'like', 'merge-%')
      .orderBy('name')
      .execute();
    expect(rows).toEqual([
      { name: 'merge-new', big: '2' },
      { name: 'merge-old', big: '1' },
    ]);
  });

  it("migrates up with Kysely's Migrator (lock, journal) and a second run is a no-op", async () => {
    const { db, kysely, tag } = ctx();
    const table = `ky_migrated_${tag}`;
    const journal = `ky_migrations_${tag}`;
    for (const name of [table, journal, `${journal}_lock`])
      await kysely.sql`drop table if exists ${kysely.sql.table(name)}`.execute(db);
    const migrations: Record<string, Migration> = {
      '001_create': {
        up: (m) =>
          m.schema
            .createTable(table)
            .addColumn('id', 'serial', (c) => c.primaryKey())
            .addColumn('label', 'text')
            .execute(),
      },
      '002_seed': {
        up: async (m) => {
          await kysely.sql`insert into ${kysely.sql.table(table)} (label) values ('seeded')`.execute(m);
        },
      },
    };
    const migrator = new (await load<typeof import('kysely/migration')>('kysely/migration')).Migrator({
      db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: journal,
      migrationLockTableName: `${journal}_lock`,
    });
    const first = await migrator.migrateToLatest();
    expect(first.error).toBeUndefined();
    expect(first.results?.map((r) => [r.migrationName, r.status])).toEqual([
      ['001_create', 'Success'],
      ['002_seed', 'Success'],
    ]);
    const second = await migrator.migrateToLatest();
    expect(second.error).toBeUndefined();
    expect(second.results).toEqual([]);
    const { rows } = await kysely.sql<{
      label: string;
    }>`select label from ${kysely.sql.table(table)}`.execute(db);
    expect(rows).toEqual([{ label: 'seeded' }]);
  });

  it('runs raw SQL with parameters through sql``', async () => {
    const { db, kysely } = ctx();
    const result = await kysely.sql<{
      sum: number;
      text: string;
    }>`select ${20}::int + ${22}::int as sum, ${'a'} || ${'b'} as text`.execute(db);
    expect(result.rows).toEqual([{ sum: 42, text: 'ab' }]);
  });

  it('rejects a unique violation with the PostgreSQL error fields', async () => {
    const { db } = ctx();
    await db.insertInto('ky_person').values({ name: 'dup' }).execute();
    const error = (await db
      .insertInto('ky_person')
      .values({ name: 'dup' })
      .execute()
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as Record<string, unknown>;
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('23505');
    expect(error.constraint).toBe('ky_person_name_unique');
    expect(error.severity).toBe('ERROR');
  });
}

/** Transactions, savepoints, aborted-transaction detection and streaming (PostgresDialect). */
export function connectionScenarios(ctx: () => KyselyContext): void {
  const names = (db: Kysely<KyDatabase>, prefix: string) =>
    db
      .selectFrom('ky_person')
      .select('name')
      .where('name', 'like', `${prefix}%`)
      .orderBy('name')
      .execute()
      .then((rows) => rows.map((r) => r.name));

  it('commits a transaction and rolls one back on throw', async () => {
    const { db } = ctx();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('ky_person').values({ name: 'tx-committed' }).execute();
    });
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('ky_person').values({ name: 'tx-rolled-back' }).execute();
        throw new Error('application error');
      }),
    ).rejects.toThrow('application error');
    expect(await names(db, 'tx-')).toEqual(['tx-committed']);
  });

  it('rolls back to a savepoint inside a controlled transaction', async () => {
    const { db } = ctx();
    const trx = await db.startTransaction().setIsolationLevel('repeatable read').execute();
    await trx.insertInto('ky_person').values({ name: 'sp-before' }).execute();
    const afterFirst = await trx.savepoint('after_first').execute();
    await afterFirst.insertInto('ky_person').values({ name: 'sp-undone' }).execute();
    await afterFirst.rollbackToSavepoint('after_first').execute();
    await afterFirst.insertInto('ky_person').values({ name: 'sp-after' }).execute();
    const { rows } = await ctx().kysely.sql<{
      level: string;
    }>`select current_setting('transaction_isolation') as level`.execute(afterFirst);
    expect(rows[0].level).toBe('repeatable read');
    await afterFirst.commit().execute();
    expect(await names(db, 'sp-')).toEqual(['sp-after', 'sp-before']);
  });

  it('detects a transaction PostgreSQL aborted: COMMIT completes as ROLLBACK', async () => {
    const { db, kysely } = ctx();
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('ky_person').values({ name: 'aborted-row' }).execute();
        await kysely.sql`select 1 / 0`.execute(trx).catch(() => undefined);
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(outcome).toBeInstanceOf(kysely.AbortedTransactionError);
    expect(await names(db, 'aborted-')).toEqual([]);
  });

  it('cancels an in-flight query on abort through a control client (pool.Client, pool.options, processID)', async () => {
    const { db, kysely } = ctx();
    const running = () =>
      kysely.sql<{
        n: number;
      }>`select count(*)::int as n from pg_stat_activity where state = 'active' and query like 'select pg_sleep(20) /* ky-cancel */%'`
        .execute(db)
        .then((r) => r.rows[0].n);
    const controller = new AbortController();
    const sleeping = kysely.sql`select pg_sleep(20) /* ky-cancel */`
      .execute(db, { signal: controller.signal, inflightQueryAbortStrategy: 'cancel query' })
      .then(
        () => 'completed',
        (e: unknown) => (e as Error).name,
      );
    // Abort only once PostgreSQL runs it (bounded wait).
    for (let i = 0; i < 200 && (await running()) === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await running()).toBe(1);
    controller.abort();
    expect(await sleeping).toBe('AbortError');
    // The server really stopped it: pg_cancel_backend(processID) reached the right backend.
    for (let i = 0; i < 200 && (await running()) > 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await running()).toBe(0);
  });

  it('streams rows with a cursor in small chunks', async () => {
    const { db, kysely } = ctx();
    const seen: number[] = [];
    const query = kysely.sql<{ n: number }>`(select n from generate_series(1, 25) as n)`;
    for await (const row of db.selectFrom(query.as('s')).select('n').stream(4)) seen.push(row.n);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    // Breaking out early closes the cursor and gives the connection back in a usable state.
    for await (const row of db.selectFrom(query.as('s')).select('n').stream(3)) if (row.n === 5) break;
    const { rows } = await kysely.sql<{ one: number }>`select 1 as one`.execute(db);
    expect(rows).toEqual([{ one: 1 }]);
  });
}
