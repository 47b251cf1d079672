/**
 * drizzle-orm 1.0.0-rc.5 (installed beside 0.45 as `drizzle-orm-next`) runs the same application
 * code over edgepg linked as `@neondatabase/serverless`. 1.0 changed what it asks of the driver:
 * codecs that expect pg-types' exact default parsing, `release(error)`, and auto-named prepared
 * statements. Its own database: the 0.45 suite uses the same tables in parallel.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordResults } from '../support/results.js';
import {
  type AnyPgDatabase,
  type DrizzleContext,
  sharedScenarios,
  transactionScenarios,
} from './drizzle/scenarios.js';
import { createItems, makeSchema } from './drizzle/schema.js';
import { load, type OrmEnv, pinned, startOrmEnv } from './env.js';

type Neon = typeof import('@neondatabase/serverless');

let env: OrmEnv;
let neon: Neon;
let orm: DrizzleContext['orm'];
let schema: DrizzleContext['schema'];
let url: string;

const block = recordResults('orms-drizzle-next', async () => {
  env = await startOrmEnv();
  neon = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  // 1.0's module has the same runtime surface the scenarios use (sql, eq, like, count, errors).
  orm = (await load<typeof import('drizzle-orm-next')>(
    'drizzle-orm-next',
  )) as unknown as DrizzleContext['orm'];
  schema = makeSchema(
    (await load<typeof import('drizzle-orm-next/pg-core')>(
      'drizzle-orm-next/pg-core',
    )) as unknown as Parameters<typeof makeSchema>[0],
  );
  url = await env.freshDatabase(env.serverUrl, 'edgepg_orms_drizzle_next');
});
afterAll(() => env?.close());

const consumer = pinned('drizzle-orm-next');

block({ consumer, transport: 'http', via: 'drizzle-orm/neon-http' }, () => {
  let db: AnyPgDatabase & { batch(queries: unknown[]): Promise<unknown[]> };
  beforeAll(async () => {
    const { drizzle } = await load<typeof import('drizzle-orm-next/neon-http')>('drizzle-orm-next/neon-http');
    const sql = neon.neon(url);
    for (const statement of createItems().split(';')) await sql.query(statement);
    db = drizzle({ client: sql }) as unknown as typeof db;
  });
  const ctx = (): DrizzleContext => ({ db, orm, schema });
  sharedScenarios(ctx);

  it('runs db.batch with results in order', async () => {
    const { items } = schema;
    const [ins, sel] = await db.batch([
      db.insert(items).values({ name: 'batch-next', visits: 5n }).returning({ visits: items.visits }),
      db.select({ n: orm.count() }).from(items).where(orm.eq(items.name, 'batch-next')),
    ]);
    expect(ins).toEqual([{ visits: 5n }]);
    expect(sel).toEqual([{ n: 1 }]);
  });
});

block({ consumer, transport: 'ws', via: 'drizzle-orm/neon-serverless' }, () => {
  let pool: InstanceType<Neon['Pool']>;
  let db: AnyPgDatabase;
  beforeAll(async () => {
    const { drizzle } = await load<typeof import('drizzle-orm-next/neon-serverless')>(
      'drizzle-orm-next/neon-serverless',
    );
    pool = new neon.Pool({ connectionString: url, max: 4 });
    await pool.query(createItems());
    db = drizzle({ client: pool }) as unknown as AnyPgDatabase;
  });
  afterAll(() => pool?.end());
  const ctx = (): DrizzleContext => ({ db, orm, schema });
  sharedScenarios(ctx);
  transactionScenarios(ctx);
});
