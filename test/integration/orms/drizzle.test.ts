/**
 * drizzle-orm 0.45 from npm over edgepg linked as `@neondatabase/serverless`: neon-http through
 * the local server's /sql, neon-serverless through its WebSocket endpoint. Same application code,
 * plus what each driver adds (db.batch on HTTP; interactive transactions on WebSocket) and the
 * migrator on both.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordResults } from '../support/results.js';
import {
  type AnyPgDatabase,
  type DrizzleContext,
  sharedScenarios,
  transactionScenarios,
} from './drizzle/scenarios.js';
import { createItems, makeSchema } from './drizzle/schema.js';
import { FIXTURE_DIR, load, type OrmEnv, pinned, startOrmEnv } from './env.js';

type Neon = typeof import('@neondatabase/serverless');

let env: OrmEnv;
let neon: Neon;
let orm: DrizzleContext['orm'];
let schema: DrizzleContext['schema'];

const block = recordResults('orms-drizzle', async () => {
  env = await startOrmEnv();
  neon = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  orm = await load<typeof import('drizzle-orm')>('drizzle-orm');
  schema = makeSchema(await load<typeof import('drizzle-orm/pg-core')>('drizzle-orm/pg-core'));
});
afterAll(() => env?.close());

const MIGRATIONS = join(FIXTURE_DIR, 'drizzle', 'migrations');

async function checkMigrated(db: AnyPgDatabase): Promise<void> {
  const rows = await db.select().from(schema.migrated).orderBy(schema.migrated.id);
  expect(rows.map((r) => r.label)).toEqual(['from 0000', 'from 0001']);
  const journal = await db.execute(orm.sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
  expect((journal as unknown as { rows: { n: number }[] }).rows[0].n).toBe(2);
}

block({ consumer: pinned('drizzle-orm'), transport: 'http', via: 'drizzle-orm/neon-http' }, () => {
  let db: import('drizzle-orm/neon-http').NeonHttpDatabase;
  let drizzle: typeof import('drizzle-orm/neon-http');
  beforeAll(async () => {
    drizzle = await load<typeof import('drizzle-orm/neon-http')>('drizzle-orm/neon-http');
    const sql = neon.neon(env.serverUrl);
    for (const statement of createItems().split(';')) await sql.query(statement);
    db = drizzle.drizzle({ client: sql });
  });
  const ctx = (): DrizzleContext => ({ db: db as unknown as AnyPgDatabase, orm, schema });
  sharedScenarios(ctx);

  it('returns the full result of db.execute: rows, fields, command, rowCount', async () => {
    const res = await db.execute<{ one: number; word: string }>(
      orm.sql`select ${1}::int as one, ${'w'} as word`,
    );
    expect(res.rows).toEqual([{ one: 1, word: 'w' }]);
    expect(res.command).toBe('SELECT');
    expect(res.rowCount).toBe(1);
    expect(res.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['one', 23],
      ['word', 25],
    ]);
  });

  it('runs db.batch in one transaction with results in order, and rolls all back on an error', async () => {
    const { items } = schema;
    const [ins, sel, upd] = await db.batch([
      db.insert(items).values({ name: 'batch-1', visits: 1n }).returning({ name: items.name }),
      db.select({ n: orm.count() }).from(items).where(orm.like(items.name, 'batch-%')),
      db
        .update(items)
        .set({ visits: 2n })
        .where(orm.eq(items.name, 'batch-1'))
        .returning({ visits: items.visits }),
    ]);
    expect(ins).toEqual([{ name: 'batch-1' }]);
    expect(sel).toEqual([{ n: 1 }]);
    expect(upd).toEqual([{ visits: 2n }]);

    const failed = await db
      .batch([
        db.insert(items).values({ name: 'batch-2' }),
        db.insert(items).values({ name: 'batch-1' }), // unique violation
      ])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(failed).toBeInstanceOf(Error);
    expect(await db.$count(items, orm.eq(items.name, 'batch-2'))).toBe(0);
  });

  it('migrates a fresh database with the neon-http migrator, and a second run is a no-op', async () => {
    const { migrate } = await load<typeof import('drizzle-orm/neon-http/migrator')>(
      'drizzle-orm/neon-http/migrator',
    );
    const migrated = drizzle.drizzle({
      client: neon.neon(await env.freshDatabase(env.serverUrl, 'edgepg_drizzle_mig_http')),
    });
    await migrate(migrated, { migrationsFolder: MIGRATIONS });
    await migrate(migrated, { migrationsFolder: MIGRATIONS });
    await checkMigrated(migrated as unknown as AnyPgDatabase);
  });
});

block({ consumer: pinned('drizzle-orm'), transport: 'ws', via: 'drizzle-orm/neon-serverless' }, () => {
  let pool: InstanceType<Neon['Pool']>;
  let db: import('drizzle-orm/neon-serverless').NeonDatabase;
  let drizzle: typeof import('drizzle-orm/neon-serverless');
  beforeAll(async () => {
    drizzle = await load<typeof import('drizzle-orm/neon-serverless')>('drizzle-orm/neon-serverless');
    pool = new neon.Pool({ connectionString: env.serverUrl, max: 4 });
    await pool.query(createItems());
    db = drizzle.drizzle({ client: pool });
  });
  afterAll(() => pool?.end());
  const ctx = (): DrizzleContext => ({ db: db as unknown as AnyPgDatabase, orm, schema });
  sharedScenarios(ctx);
  transactionScenarios(ctx);

  it('migrates a fresh database with the neon-serverless migrator, and a second run is a no-op', async () => {
    const { migrate } = await load<typeof import('drizzle-orm/neon-serverless/migrator')>(
      'drizzle-orm/neon-serverless/migrator',
    );
    const migPool = new neon.Pool({
      connectionString: await env.freshDatabase(env.serverUrl, 'edgepg_drizzle_mig_ws'),
    });
    try {
      const migrated = drizzle.drizzle({ client: migPool });
      await migrate(migrated, { migrationsFolder: MIGRATIONS });
      await migrate(migrated, { migrationsFolder: MIGRATIONS });
      await checkMigrated(migrated as unknown as AnyPgDatabase);
    } finally {
      await migPool.end();
    }
  });
});
