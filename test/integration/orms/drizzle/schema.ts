/**
 * The drizzle tables the suites use, built from a given `pg-core` (drizzle-orm 0.45 or the 1.0
 * release candidate, installed side by side) after the fixture is installed.
 */
import type * as PgCore from 'drizzle-orm/pg-core';

export interface Profile {
  tags: string[];
  nested: { n: number; text: string };
}

export function makeSchema(core: typeof PgCore) {
  const { bigint, customType, integer, jsonb, pgTable, serial, text, timestamp } = core;
  // drizzle-orm 0.45 has no bytea column; this is the documented custom-type way to add one.
  const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });
  return {
    items: pgTable('drz_item', {
      id: serial('id').primaryKey(),
      name: text('name').notNull().unique(),
      visits: bigint('visits', { mode: 'bigint' }).notNull().default(0n),
      profile: jsonb('profile').$type<Profile>(),
      avatar: bytea('avatar'),
      seenAt: timestamp('seen_at', { withTimezone: true, mode: 'date', precision: 3 }),
      parentId: integer('parent_id'),
    }),
    /** The table the committed migrations (drizzle/migrations) create. */
    migrated: pgTable('drz_migrated', {
      id: serial('id').primaryKey(),
      label: text('label').notNull(),
    }),
  };
}

export type DrizzleSchema = ReturnType<typeof makeSchema>;

export function createItems(table = 'drz_item'): string {
  return `
  drop table if exists ${table};
  create table ${table} (
    id serial primary key,
    name text not null constraint ${table}_name_unique unique,
    visits bigint not null default 0,
    profile jsonb,
    avatar bytea,
    seen_at timestamptz(3),
    parent_id integer
  )`;
}
