/**
 * kysely 0.29 from npm over edgepg linked as `@neondatabase/serverless`: kysely-neon over HTTP
 * (the local server's /sql), and Kysely's PostgresDialect on a Neon Pool over WebSocket with
 * pg-cursor for `.stream()`.
 */
import { afterAll, beforeAll } from 'vitest';
import { recordResults } from '../support/results.js';
import { load, type OrmEnv, pinned, startOrmEnv } from './env.js';
import {
  CREATE_PERSON,
  connectionScenarios,
  type KyDatabase,
  type KyselyContext,
  type KyselyModule,
  sharedScenarios,
} from './kysely/scenarios.js';
import type { CursorClass } from './pg/cursor-scenarios.js';

type Neon = typeof import('@neondatabase/serverless');

let env: OrmEnv;
let neon: Neon;
let kysely: KyselyModule;
let Cursor: CursorClass;

const block = recordResults('orms-kysely', async () => {
  env = await startOrmEnv();
  neon = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  kysely = await load<typeof import('kysely')>('kysely');
  Cursor = (await load<{ default: CursorClass }>('pg-cursor')).default;
});
afterAll(() => env?.close());

/** Opens a Kysely for one block, creating the table through it, and destroys it afterwards. */
function useKysely(tag: string, make: () => Promise<import('kysely').Dialect>): () => KyselyContext {
  let db: import('kysely').Kysely<KyDatabase> | undefined;
  beforeAll(async () => {
    db = new kysely.Kysely<KyDatabase>({ dialect: await make() });
    for (const statement of CREATE_PERSON) await kysely.sql.raw(statement).execute(db);
  });
  afterAll(() => db?.destroy());
  return () => {
    if (!db) throw new Error('useKysely: not set up');
    return { db, kysely, tag };
  };
}

block({ consumer: pinned('kysely'), transport: 'http', via: pinned('kysely-neon') }, () => {
  const ctx = useKysely('http', async () => {
    const { NeonDialect } = await load<typeof import('kysely-neon')>('kysely-neon');
    return new NeonDialect({ neon: neon.neon(env.serverUrl) });
  });
  sharedScenarios(ctx);
});

block({ consumer: pinned('kysely'), transport: 'ws', via: 'PostgresDialect + Neon Pool' }, () => {
  const ctx = useKysely('ws', async () => {
    const pool = new neon.Pool({ connectionString: env.serverUrl, max: 4 });
    // No cast: edgepg's Pool satisfies Kysely's PostgresPool type (processID is number | undefined).
    return new kysely.PostgresDialect({
      pool,
      cursor: Cursor,
    });
  });
  sharedScenarios(ctx);
  connectionScenarios(ctx);
});
