/**
 * Prisma 7 (query compiler, driver adapters) from npm over edgepg linked as
 * `@neondatabase/serverless`: PrismaNeonHttp through the local server's /sql and PrismaNeon through
 * its WebSocket endpoint. The client is generated offline in the set-up.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { afterAll, beforeAll } from 'vitest';
import { recordResults } from '../support/results.js';
import { generatePrismaClient, load, type OrmEnv, pinned, startOrmEnv } from './env.js';
import {
  CREATE_TABLES,
  connectionScenarios,
  httpErrorScenario,
  type PrismaContext,
  sharedScenarios,
} from './prisma/scenarios.js';

type Generated = typeof import('./generated/prisma/client.js');

let env: OrmEnv;
let generated: Generated;

const block = recordResults('orms-prisma', async () => {
  env = await startOrmEnv();
  generatePrismaClient();
  generated = await import('./generated/prisma/client.js');
  const neon = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  const pool = new neon.Pool({ connectionString: env.serverUrl });
  try {
    for (const statement of CREATE_TABLES) await pool.query(statement);
  } finally {
    await pool.end();
  }
});
afterAll(() => env?.close());

function usePrisma(makeAdapter: () => Promise<SqlDriverAdapterFactory>) {
  let ctx: PrismaContext | undefined;
  beforeAll(async () => {
    const prisma = new generated.PrismaClient({ adapter: await makeAdapter() });
    // Each block starts from empty tables.
    await prisma.post.deleteMany();
    await prisma.author.deleteMany();
    ctx = { prisma, errors: generated.Prisma };
  });
  afterAll(() => ctx?.prisma.$disconnect());
  return (): PrismaContext => {
    if (!ctx) throw new Error('usePrisma: not set up');
    return ctx;
  };
}

block(
  { consumer: pinned('prisma'), transport: 'http', via: `${pinned('@prisma/adapter-neon')} PrismaNeonHttp` },
  () => {
    const ctx = usePrisma(async () => {
      const { PrismaNeonHttp } = await load<typeof import('@prisma/adapter-neon')>('@prisma/adapter-neon');
      return new PrismaNeonHttp(env.serverUrl, {});
    });
    sharedScenarios(ctx);
    httpErrorScenario(ctx);
  },
);

block(
  { consumer: pinned('prisma'), transport: 'ws', via: `${pinned('@prisma/adapter-neon')} PrismaNeon` },
  () => {
    const ctx = usePrisma(async () => {
      const { PrismaNeon } = await load<typeof import('@prisma/adapter-neon')>('@prisma/adapter-neon');
      return new PrismaNeon({ connectionString: env.serverUrl, max: 4 });
    });
    sharedScenarios(ctx);
    connectionScenarios(ctx);
  },
);
