/**
 * The world every ORM suite runs in: this fixture package installed (`npm ci`: the ORMs from npm,
 * `@neondatabase/serverless` linked to this repository's built package), the local server from
 * `dist/` in front of the test PostgreSQL for HTTP and WebSocket, and Neon's documented
 * local-endpoint settings on the shared `neonConfig`. TCP goes straight to PostgreSQL.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionString, credentials, pgInfo } from '../../setup/pg.js';
import { installFixture } from '../../support/npm-fixture.js';

export const FIXTURE_DIR = dirname(fileURLToPath(import.meta.url));

const FIXTURE_DEPENDENCIES: Record<string, string> = JSON.parse(
  readFileSync(join(FIXTURE_DIR, 'package.json'), 'utf8'),
).dependencies;

/**
 * `name version` as pinned in the fixture's package.json, for the results table (an npm alias
 * such as `drizzle-orm-next: npm:drizzle-orm@1.0.0-rc.5` reads as the real package).
 */
export function pinned(name: string): string {
  const spec = FIXTURE_DEPENDENCIES[name];
  if (!spec) throw new Error(`${name} is not a dependency of the ORM fixture`);
  const alias = /^npm:(@?[^@]+)@(.+)$/.exec(spec);
  return alias ? `${alias[1]} ${alias[2]}` : `${name} ${spec}`;
}

export interface OrmEnv {
  /** A connection string for the local server: `neon()` over HTTP and `Pool` over WebSocket. */
  serverUrl: string;
  /** A connection string for PostgreSQL itself (TCP). */
  postgresUrl: string;
  /**
   * Drops and creates database `name` through `url` (whatever transport it implies) and returns
   * `url` pointing at it: suites that share table names but run in parallel get their own.
   */
  freshDatabase(url: string, name: string): Promise<string>;
  close(): Promise<void>;
}

async function freshDatabase(url: string, name: string): Promise<string> {
  const { Pool } = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  const admin = new Pool({ connectionString: url, max: 1 });
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const at = new URL(url);
  at.pathname = `/${name}`;
  return at.toString();
}

/**
 * Imports a package the fixture installs. The specifier is deliberately not a literal: Vite
 * resolves a literal `import('x')` when it transforms the test file, before `beforeAll` has
 * installed the fixture, and on a fresh checkout would bind `pg`, `pg-cursor` and
 * `@neondatabase/serverless` to this repository's own dev copies (the real pg and Neon).
 */
export async function load<T>(specifier: string): Promise<T> {
  return (await import(/* @vite-ignore */ specifier)) as T;
}

/**
 * Fails unless `@neondatabase/serverless` and `pg` load as this repository's built package (the
 * whole point of the fixture), so a resolution slip can never pass as a green run.
 */
async function assertLinked(): Promise<void> {
  const built = await import('../../../dist/index.js');
  const neon = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  const pg = await load<typeof import('pg')>('pg');
  if (neon.Pool !== built.Pool || pg.default.Pool !== built.Pool) {
    throw new Error('the ORM fixture does not resolve @neondatabase/serverless and pg to this repository');
  }
}

/**
 * Installs the fixture, starts the built local server and points `neonConfig` at it. Suites of
 * `pg` consumers use `pgOnly`: they leave `neonConfig` alone, as a pg app does (`pg` and
 * `@neondatabase/serverless` are one module here, and its socket settings would send them over
 * WebSocket).
 */
export async function startOrmEnv(options: { pgOnly?: boolean } = {}): Promise<OrmEnv> {
  installFixture(FIXTURE_DIR);
  await assertLinked();
  if (options.pgOnly) {
    return { serverUrl: '', postgresUrl: connectionString(), freshDatabase, close: async () => {} };
  }
  const { startServer } = await import('../../../dist/server.js');
  const { neonConfig } = await load<typeof import('@neondatabase/serverless')>('@neondatabase/serverless');
  const { WebSocket } = await load<typeof import('ws')>('ws');
  const info = pgInfo();
  const server = await startServer({
    upstream: { host: info.host, port: info.port },
    port: 0,
    log: () => {},
  });
  neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
  neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
  neonConfig.useSecureWebSocket = false;
  // Node 20 has no global WebSocket (what an app on Node 20 writes too).
  neonConfig.webSocketConstructor = WebSocket;
  const { user, password } = credentials();
  return {
    serverUrl: server.connectionString({ user, password, database: info.database }),
    postgresUrl: connectionString(),
    freshDatabase,
    close: () => server.close(),
  };
}

const PRISMA_OUT = join(FIXTURE_DIR, 'generated', 'prisma');
const PRISMA_STAMP = join(PRISMA_OUT, '.schema-hash');

function prismaSchemaHash(): string {
  const pkg = readFileSync(join(FIXTURE_DIR, 'node_modules', 'prisma', 'package.json'));
  const schema = readFileSync(join(FIXTURE_DIR, 'prisma', 'schema.prisma'));
  return createHash('sha256').update(pkg).update(schema).digest('hex');
}

/**
 * `prisma generate`, offline, once per schema (several test files need the client; a lock
 * directory keeps them from writing it at the same time). The CLI insists on a schema-engine
 * binary before any command although generate does not use it, and only Prisma's CDN hosts it:
 * naming any existing file (here the node binary) skips the download.
 */
export function generatePrismaClient(): void {
  const hash = prismaSchemaHash();
  const fresh = () => existsSync(PRISMA_STAMP) && readFileSync(PRISMA_STAMP, 'utf8') === hash;
  if (fresh()) return;
  const lock = join(FIXTURE_DIR, '.prisma-generate-lock');
  for (let waited = 0; ; waited += 100) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (waited > 120_000) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      if (fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    execFileSync(join(FIXTURE_DIR, 'node_modules', '.bin', 'prisma'), ['generate'], {
      cwd: FIXTURE_DIR,
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 120_000,
    });
    if (!existsSync(join(PRISMA_OUT, 'client.ts'))) throw new Error('prisma generate wrote no client');
    writeFileSync(PRISMA_STAMP, hash);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
