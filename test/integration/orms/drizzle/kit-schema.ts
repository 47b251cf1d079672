/** The schema drizzle-kit pushes in pg.test.ts (read by drizzle-kit itself, never imported by a test). */
import { bigserial, index, integer, jsonb, pgTable, serial, text, varchar } from 'drizzle-orm/pg-core';

export const kitAuthor = pgTable('kit_author', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  meta: jsonb('meta'),
});

export const kitPost = pgTable(
  'kit_post',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    authorId: integer('author_id')
      .notNull()
      .references(() => kitAuthor.id),
    title: varchar('title', { length: 200 }).default('untitled'),
    tags: text('tags').array(),
  },
  (t) => [index('kit_post_title_idx').on(t.title)],
);
