/**
 * The world every ORM suite runs in: this fixture package installed (`npm ci`: the ORMs from npm,
 * `@neondatabase/serverless` linked to this repository's built package), the local server from
 * `dist/` in front of the test PostgreSQL for HTTP and WebSocket, and Neon's documented
 * local-endpoint settings on the shared `neonConfig`. TCP goes straight to PostgreSQL.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionString, credentials, pgInfo } from '../../setup/pg.js';
import { installFixture } from '../../support/npm-fixture.js';

export const FIXTURE_DIR = dirname(fileURLToPath(import.meta.url));

export interface OrmEnv {
  /** A connection string for the local server: `neon()` over HTTP and `Pool` over WebSocket. */
  serverUrl: string;
  /** A connection string for PostgreSQL itself (TCP). */
  postgresUrl: string;
  close(): Promise<void>;
}

/** Installs the fixture, starts the built local server and points `neonConfig` at it. */
export async function startOrmEnv(): Promise<OrmEnv> {
  installFixture(FIXTURE_DIR);
  const { startServer } = await import('../../../dist/server.js');
  const { neonConfig } = await import('@neondatabase/serverless');
  const { WebSocket } = await import('ws');
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
    close: () => server.close(),
  };
}
