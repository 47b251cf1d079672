/**
 * The `pg` consumers over TCP with `pg` linked to edgepg (this repository): drizzle-orm
 * node-postgres, Kysely's PostgresDialect on a pg Pool (pg-cursor streaming), Prisma's
 * @prisma/adapter-pg and pg-cursor itself. No neonConfig here: these apps know only pg.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { recordResults } from '../support/results.js';
import {
  type AnyPgDatabase,
  type DrizzleContext,
  sharedScenarios as drizzleShared,
  transactionScenarios as drizzleTransactions,
} from './drizzle/scenarios.js';
import { createItems, makeSchema } from './drizzle/schema.js';
import { FIXTURE_DIR, generatePrismaClient, load, type OrmEnv, pinned, startOrmEnv } from './env.js';
import {
  CREATE_PERSON,
  type KyDatabase,
  type KyselyContext,
  connectionScenarios as kyselyConnection,
  sharedScenarios as kyselyShared,
} from './kysely/scenarios.js';
import { type CursorClass, type CursorClient, cursorScenarios } from './pg/cursor-scenarios.js';
import {
  CREATE_TABLES,
  type PrismaContext,
  connectionScenarios as prismaConnection,
  sharedScenarios as prismaShared,
} from './prisma/scenarios.js';

type Pg = typeof import('pg').default;

let env: OrmEnv;
let pg: Pg;
let Cursor: CursorClass;

/** Its own database: the same tables as the HTTP/WebSocket suites, which run in parallel. */
let url: string;

const block = recordResults('orms-pg', async () => {
  env = await startOrmEnv({ pgOnly: true });
  pg = (await load<typeof import('pg')>('pg')).default;
  Cursor = (await load<{ default: CursorClass }>('pg-cursor')).default;
  url = await env.freshDatabase(env.postgresUrl, 'edgepg_orms_pg');
});

afterAll(() => env?.close());

block({ consumer: pinned('drizzle-orm'), transport: 'tcp', via: 'drizzle-orm/node-postgres' }, () => {
  let pool: InstanceType<Pg['Pool']>;
  let drizzle: typeof import('drizzle-orm/node-postgres');
  let ctxValue: DrizzleContext;
  beforeAll(async () => {
    drizzle = await load<typeof import('drizzle-orm/node-postgres')>('drizzle-orm/node-postgres');
    const schema = makeSchema(await load<typeof import('drizzle-orm/pg-core')>('drizzle-orm/pg-core'));
    pool = new pg.Pool({ connectionString: url, max: 4 });
    await pool.query(createItems());
    ctxValue = {
      db: drizzle.drizzle({ client: pool }) as unknown as AnyPgDatabase,
      orm: await load<typeof import('drizzle-orm')>('drizzle-orm'),
      schema,
    };
  });
  afterAll(() => pool?.end());
  const ctx = () => ctxValue;
  drizzleShared(ctx);
  drizzleTransactions(ctx);

  it('migrates a fresh database with the node-postgres migrator, and a second run is a no-op', async () => {
    const { migrate } = await load<typeof import('drizzle-orm/node-postgres/migrator')>(
      'drizzle-orm/node-postgres/migrator',
    );
    const migPool = new pg.Pool({
      connectionString: await env.freshDatabase(env.postgresUrl, 'edgepg_drizzle_mig_tcp'),
    });
    try {
      const migrated = drizzle.drizzle({ client: migPool });
      const folder = join(FIXTURE_DIR, 'drizzle', 'migrations');
      await migrate(migrated, { migrationsFolder: folder });
      await migrate(migrated, { migrationsFolder: folder });
      const { rows } = await migPool.query('select label from drz_migrated order by id');
      expect(rows).toEqual([{ label: 'from 0000' }, { label: 'from 0001' }]);
      const journal = await migPool.query('select count(*)::int as n from drizzle.__drizzle_migrations');
      expect(journal.rows).toEqual([{ n: 2 }]);
    } finally {
      await migPool.end();
    }
  });
});

block({ consumer: pinned('drizzle-orm-next'), transport: 'tcp', via: 'drizzle-orm/node-postgres' }, () => {
  let pool: InstanceType<Pg['Pool']>;
  let ctxValue: DrizzleContext;
  beforeAll(async () => {
    const { drizzle } = await load<typeof import('drizzle-orm-next/node-postgres')>(
      'drizzle-orm-next/node-postgres',
    );
    const core = await load<typeof import('drizzle-orm-next/pg-core')>('drizzle-orm-next/pg-core');
    pool = new pg.Pool({ connectionString: url, max: 4 });
    // The same table as the 0.45 block above, recreated (blocks of a file run one after another).
    await pool.query(createItems());
    ctxValue = {
      db: drizzle({ client: pool }) as unknown as AnyPgDatabase,
      orm: (await load<typeof import('drizzle-orm-next')>(
        'drizzle-orm-next',
      )) as unknown as DrizzleContext['orm'],
      schema: makeSchema(core as unknown as Parameters<typeof makeSchema>[0]),
    };
  });
  afterAll(() => pool?.end());
  const ctx = () => ctxValue;
  drizzleShared(ctx);
  drizzleTransactions(ctx);
});

block({ consumer: pinned('kysely'), transport: 'tcp', via: 'PostgresDialect + pg.Pool' }, () => {
  let ctxValue: KyselyContext | undefined;
  beforeAll(async () => {
    const kysely = await load<typeof import('kysely')>('kysely');
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const dialect = new kysely.PostgresDialect({
      pool,
      cursor: Cursor,
    });
    const db = new kysely.Kysely<KyDatabase>({ dialect });
    for (const statement of CREATE_PERSON) await kysely.sql.raw(statement).execute(db);
    ctxValue = { db, kysely, tag: 'tcp' };
  });
  afterAll(() => ctxValue?.db.destroy());
  const ctx = () => {
    if (!ctxValue) throw new Error('not set up');
    return ctxValue;
  };
  kyselyShared(ctx);
  kyselyConnection(ctx);
});

block(
  { consumer: pinned('prisma'), transport: 'tcp', via: `${pinned('@prisma/adapter-pg')} PrismaPg` },
  () => {
    let ctxValue: PrismaContext | undefined;
    beforeAll(async () => {
      generatePrismaClient();
      const generated = await import('./generated/prisma/client.js');
      const { PrismaPg } = await load<typeof import('@prisma/adapter-pg')>('@prisma/adapter-pg');
      const pool = new pg.Pool({ connectionString: url });
      try {
        for (const statement of CREATE_TABLES) await pool.query(statement);
      } finally {
        await pool.end();
      }
      const adapter: SqlDriverAdapterFactory = new PrismaPg({ connectionString: url, max: 4 });
      ctxValue = { prisma: new generated.PrismaClient({ adapter }), errors: generated.Prisma };
    });
    afterAll(() => ctxValue?.prisma.$disconnect());
    const ctx = () => {
      if (!ctxValue) throw new Error('not set up');
      return ctxValue;
    };
    prismaShared(ctx);
    prismaConnection(ctx);
  },
);

block({ consumer: pinned('pg-cursor'), transport: 'tcp', via: 'pg.Client' }, () => {
  let client: InstanceType<Pg['Client']>;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(() => client?.end());
  cursorScenarios(() => ({ client: client as unknown as CursorClient, Cursor }));
});

block({ consumer: pinned('drizzle-kit'), transport: 'tcp', via: 'pg (push, pull)' }, () => {
  let kitUrl: string;
  let out: string;
  const kit = (...args: string[]) =>
    execFileSync(
      join(FIXTURE_DIR, 'node_modules', '.bin', 'drizzle-kit'),
      [...args, '--dialect', 'postgresql', '--url', kitUrl],
      {
        cwd: FIXTURE_DIR,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      },
    );
  beforeAll(async () => {
    kitUrl = await env.freshDatabase(env.postgresUrl, 'edgepg_drizzle_kit');
    out = mkdtempSync(join(tmpdir(), 'edgepg-kit-'));
  });
  afterAll(() => out && rmSync(out, { recursive: true, force: true }));

  it('pushes a schema through pg, and a second push finds nothing to change', async () => {
    const first = kit('push', '--schema', './drizzle/kit-schema.ts', '--force');
    // drizzle-kit probes for pg first; this is the fixture's pg, the link to edgepg.
    expect(first).toContain("Using 'pg' driver");
    const client = new pg.Client({ connectionString: kitUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        `select table_name, column_name, data_type from information_schema.columns
         where table_schema = 'public' order by table_name, ordinal_position`,
      );
      expect(rows.map((r) => `${r.table_name}.${r.column_name}:${r.data_type}`)).toEqual([
        'kit_author.id:integer',
        'kit_author.email:text',
        'kit_author.meta:jsonb',
        'kit_post.id:bigint',
        'kit_post.author_id:integer',
        'kit_post.title:character varying',
        'kit_post.tags:ARRAY',
      ]);
    } finally {
      await client.end();
    }
    expect(kit('push', '--schema', './drizzle/kit-schema.ts', '--force')).toContain('No changes detected');
  });

  it('pulls (introspects) the database back into a drizzle schema', () => {
    kit('pull', '--out', out);
    const schema = readFileSync(join(out, 'schema.ts'), 'utf8');
    expect(schema).toContain('export const kitAuthor = pgTable("kit_author"');
    expect(schema).toContain('unique("kit_author_email_unique").on(table.email)');
    expect(schema).toContain('id: bigserial({ mode: "bigint" }).primaryKey().notNull()');
    expect(schema).toContain('tags: text().array()');
    expect(schema).toContain('name: "kit_post_author_id_kit_author_id_fk"');
    expect(schema).toContain('index("kit_post_title_idx")');
  });
});
