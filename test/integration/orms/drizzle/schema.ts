/** The drizzle tables the suites use (loaded after the fixture is installed). */
import { bigint, customType, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

// drizzle-orm 0.45 has no bytea column; this is the documented custom-type way to add one.
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export interface Profile {
  tags: string[];
  nested: { n: number; text: string };
}

export const items = pgTable('drz_item', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  visits: bigint('visits', { mode: 'bigint' }).notNull().default(0n),
  profile: jsonb('profile').$type<Profile>(),
  avatar: bytea('avatar'),
  seenAt: timestamp('seen_at', { withTimezone: true, mode: 'date', precision: 3 }),
  parentId: integer('parent_id'),
});

export const CREATE_ITEMS = `
  drop table if exists drz_item;
  create table drz_item (
    id serial primary key,
    name text not null constraint drz_item_name_unique unique,
    visits bigint not null default 0,
    profile jsonb,
    avatar bytea,
    seen_at timestamptz(3),
    parent_id integer
  )`;

/** The table the committed migrations (drizzle/migrations) create. */
export const migrated = pgTable('drz_migrated', {
  id: serial('id').primaryKey(),
  label: text('label').notNull(),
});
