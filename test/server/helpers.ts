/**
 * Shared set-up for the server tests: a server in front of the test PostgreSQL with its log
 * captured, and the real `@neondatabase/serverless` pointed at it (restored afterwards).
 */
import { neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import type { LogLevel } from '../../src/server/log.js';
import type { ServerOptions } from '../../src/server/options.js';
import { type LocalServer, startServer } from '../../src/server/server.js';
import { credentials, type PgRole, pgInfo } from '../setup/pg.js';

export interface TestServer {
  server: LocalServer;
  /** Every line the server logged, as `level message`. */
  logs: string[];
  /** A connection string for the role that points at the local server. */
  url(role?: PgRole, database?: string): string;
}

export async function startTestServer(overrides: Partial<ServerOptions> = {}): Promise<TestServer> {
  const info = pgInfo();
  const logs: string[] = [];
  const server = await startServer({
    upstream: { host: info.host, port: info.port },
    port: 0,
    verbose: true,
    log: (level: LogLevel, message: string) => logs.push(`${level} ${message}`),
    ...overrides,
  });
  return {
    server,
    logs,
    url(role = 'superuser', database = info.database) {
      const { user, password } = credentials(role);
      return server.connectionString({ user, password, database });
    },
  };
}

type NeonSettings = Pick<
  typeof neonConfig,
  'fetchEndpoint' | 'wsProxy' | 'useSecureWebSocket' | 'webSocketConstructor' | 'pipelineConnect'
>;

/**
 * Applies the local-endpoint convention to the driver's global `neonConfig` and returns a
 * function that restores the previous values.
 */
export function pointNeonAt(): () => void {
  const saved: NeonSettings = {
    fetchEndpoint: neonConfig.fetchEndpoint,
    wsProxy: neonConfig.wsProxy,
    useSecureWebSocket: neonConfig.useSecureWebSocket,
    webSocketConstructor: neonConfig.webSocketConstructor,
    pipelineConnect: neonConfig.pipelineConnect,
  };
  neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
  neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.webSocketConstructor = ws;
  return () => Object.assign(neonConfig, saved);
}
