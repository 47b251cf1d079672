/**
 * Drizzle scenarios shared by every driver (neon-http, neon-serverless, node-postgres): the same
 * application code must behave the same whatever transport carries it.
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { expect, it } from 'vitest';
import type { DrizzleSchema } from './schema.js';

export type AnyPgDatabase = PgDatabase<PgQueryResultHKT>;
type DrizzleOrm = typeof import('drizzle-orm');

export interface DrizzleContext {
  db: AnyPgDatabase;
  orm: DrizzleOrm;
  schema: DrizzleSchema;
}

/** The error a driver raised, under drizzle's wrapper (0.44+ wraps it in DrizzleQueryError.cause). */
export function driverError(error: unknown): Record<string, unknown> {
  const e = error as { cause?: unknown };
  return (e.cause ?? e) as Record<string, unknown>;
}

export function sharedScenarios(ctx: () => DrizzleContext): void {
  it('inserts, selects, updates, deletes and counts', async () => {
    const { db, orm, schema } = ctx();
    const { items } = schema;
    const inserted = await db
      .insert(items)
      .values([{ name: 'crud-a' }, { name: 'crud-b', visits: 7n }])
      .returning({ id: items.id, name: items.name, visits: items.visits });
    expect(inserted.map((r) => r.name)).toEqual(['crud-a', 'crud-b']);
    expect(inserted[1].visits).toBe(7n);

    const found = await db.select().from(items).where(orm.like(items.name, 'crud-%')).orderBy(items.name);
    expect(found.map((r) => [r.name, r.visits])).toEqual([
      ['crud-a', 0n],
      ['crud-b', 7n],
    ]);

    const updated = await db
      .update(items)
      .set({ visits: orm.sql`${items.visits} + 1` })
      .where(orm.eq(items.name, 'crud-b'))
      .returning({ visits: items.visits });
    expect(updated).toEqual([{ visits: 8n }]);

    expect(await db.$count(items, orm.like(items.name, 'crud-%'))).toBe(2);
    const deleted = await db.delete(items).where(orm.eq(items.name, 'crud-a')).returning({ id: items.id });
    expect(deleted).toEqual([{ id: inserted[0].id }]);
    expect(await db.$count(items, orm.like(items.name, 'crud-%'))).toBe(1);
  });

  it('round-trips bigint, jsonb, bytea, timestamptz and nulls', async () => {
    const { db, orm, schema } = ctx();
    const { items } = schema;
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const profile = { tags: ['ä', '"quoted"', 'emoji 🐘'], nested: { n: 1.5, text: 'back\\slash' } };
    const seenAt = new Date('2024-02-29T23:59:58.123Z');
    const [row] = await db
      .insert(items)
      .values({ name: 'values', visits: 9223372036854775807n, profile, avatar: bytes, seenAt })
      .returning();
    expect(row.visits).toBe(9223372036854775807n);
    expect(row.profile).toEqual(profile);
    expect(Uint8Array.from(row.avatar ?? [])).toEqual(bytes);
    expect(row.seenAt?.toISOString()).toBe(seenAt.toISOString());
    expect(row.parentId).toBeNull();

    const [back] = await db.select().from(items).where(orm.eq(items.id, row.id));
    expect(back).toEqual(row);
    // The values as PostgreSQL stored them, not as the driver echoed them.
    const [stored] = await db
      .select({
        visits: orm.sql<string>`${items.visits}::text`,
        tag: orm.sql<string>`${items.profile} -> 'tags' ->> 2`,
        size: orm.sql<number>`length(${items.avatar})`,
        epochMs: orm.sql<string>`(extract(epoch from ${items.seenAt}) * 1000)::bigint::text`,
      })
      .from(items)
      .where(orm.eq(items.id, row.id));
    expect(stored).toEqual({
      visits: '9223372036854775807',
      tag: 'emoji 🐘',
      size: 256,
      epochMs: String(seenAt.getTime()),
    });
  });

  it('runs a named prepared statement with placeholders, twice', async () => {
    const { db, orm, schema } = ctx();
    const { items } = schema;
    await db.insert(items).values([{ name: 'prep-1' }, { name: 'prep-2' }]);
    const byName = db
      .select({ name: items.name })
      .from(items)
      .where(orm.eq(items.name, orm.sql.placeholder('name')))
      .prepare('drz_by_name');
    expect(await byName.execute({ name: 'prep-1' })).toEqual([{ name: 'prep-1' }]);
    expect(await byName.execute({ name: 'prep-2' })).toEqual([{ name: 'prep-2' }]);
    expect(await byName.execute({ name: 'absent' })).toEqual([]);
  });

  it('maps a unique violation to the driver error with its fields', async () => {
    const { db, schema } = ctx();
    await db.insert(schema.items).values({ name: 'unique-1' });
    const error = await db
      .insert(schema.items)
      .values({ name: 'unique-1' })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    const cause = driverError(error);
    expect(cause.code).toBe('23505');
    expect(cause.constraint).toBe('drz_item_name_unique');
    expect(cause.table).toBe('drz_item');
    expect(cause.severity).toBe('ERROR');
    expect(String(cause.detail)).toContain('(name)=(unique-1)');
  });
}

/** Interactive transactions (not neon-http: drizzle refuses them there by design). */
export function transactionScenarios(ctx: () => DrizzleContext): void {
  it('commits, rolls back on throw, and rolls back a nested savepoint only', async () => {
    const { db, orm, schema } = ctx();
    const { items } = schema;
    const names = () =>
      db
        .select({ name: items.name })
        .from(items)
        .where(orm.like(items.name, 'tx-%'))
        .orderBy(items.name)
        .then((rows) => rows.map((r) => r.name));

    await db.transaction(async (tx) => {
      await tx.insert(items).values({ name: 'tx-outer' });
      await expect(
        tx.transaction(async (inner) => {
          await inner.insert(items).values({ name: 'tx-inner-rolled-back' });
          inner.rollback();
        }),
      ).rejects.toBeInstanceOf(orm.TransactionRollbackError);
      await tx.transaction(async (inner) => {
        await inner.insert(items).values({ name: 'tx-inner-kept' });
      });
    });
    expect(await names()).toEqual(['tx-inner-kept', 'tx-outer']);

    const failed = await db
      .transaction(async (tx) => {
        await tx.insert(items).values({ name: 'tx-failed' });
        throw new Error('application error');
      })
      .then(
        () => undefined,
        (e: unknown) => e as Error,
      );
    expect(failed?.message).toBe('application error');
    expect(await names()).toEqual(['tx-inner-kept', 'tx-outer']);
  });

  it('creates a named prepared statement on the server once and reuses it', async () => {
    const { db, orm, schema } = ctx();
    const { items } = schema;
    await db.insert(items).values({ name: 'named-1' });
    const counts = await db.transaction(async (tx) => {
      // In a transaction every statement runs on one connection, so its statements can be listed.
      const byName = tx
        .select({ name: items.name })
        .from(items)
        .where(orm.eq(items.name, orm.sql.placeholder('name')))
        .prepare('drz_named_once');
      const first = await byName.execute({ name: 'named-1' });
      const second = await byName.execute({ name: 'absent' });
      const listed = await tx.execute(
        orm.sql`select count(*)::int as n from pg_prepared_statements where name = 'drz_named_once'`,
      );
      return { first, second, listed: (listed as unknown as { rows: { n: number }[] }).rows[0].n };
    });
    expect(counts).toEqual({ first: [{ name: 'named-1' }], second: [], listed: 1 });
  });

  it('keeps a transaction on one connection: isolated until commit, with its isolation level', async () => {
    const { db, orm, schema } = ctx();
    const { items } = schema;
    let seenOutside = -1;
    let level = '';
    await db.transaction(
      async (tx) => {
        await tx.insert(items).values({ name: 'iso-row' });
        const res = await tx.execute(orm.sql`select current_setting('transaction_isolation') as level`);
        level = (res as unknown as { rows: { level: string }[] }).rows[0].level;
        // Another statement on the database (another connection) must not see the uncommitted row.
        seenOutside = await db.$count(items, orm.eq(items.name, 'iso-row'));
      },
      { isolationLevel: 'serializable' },
    );
    expect(level).toBe('serializable');
    expect(seenOutside).toBe(0);
    expect(await db.$count(items, orm.eq(items.name, 'iso-row'))).toBe(1);
  });
}
