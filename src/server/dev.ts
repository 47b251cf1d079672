/**
 * `startDev`: an embedded PostgreSQL with the local Neon-compatible server in front of it, the
 * whole of `edgepg dev`. The cluster authenticates with SCRAM over TCP like Neon does (the
 * server passes the client's password on), and the one role's password is (re)set at every
 * start through the trusted unix socket, so a persistent data directory always matches.
 */
import { Client } from '../client/client.js';
import { escapeIdentifier, escapeLiteral } from '../core/escape.js';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres.js';
import type { ServerOptions } from './options.js';
import { type LocalServer, startServer } from './server.js';

export interface DevOptions extends Omit<ServerOptions, 'upstream'> {
  /** Keep the cluster here across runs. Default: a throwaway cluster, deleted on close. */
  dataDir?: string;
  /** Port of the embedded PostgreSQL itself. Default: a free one. */
  pgPort?: number;
  /** The login role, created if missing. Default `postgres`. */
  user?: string;
  /** Its password. Default `postgres`: a local development database, not a secret. */
  password?: string;
  /** The database, created if missing. Default `postgres`. */
  database?: string;
  /** Receives PostgreSQL's own log lines. */
  postgresLog?: (line: string) => void;
}

export interface DevServer extends LocalServer {
  /** The connection string for apps: through the server, for neon(), Pool, Client, pg and psql. */
  readonly databaseUrl: string;
  /** The embedded PostgreSQL directly, bypassing the server. */
  readonly directUrl: string;
  /** The lines that point `@neondatabase/serverless` at this server (README, "Local development"). */
  readonly neonConfigLines: string;
  readonly postgres: Pick<EmbeddedPostgres, 'host' | 'port' | 'dataDir' | 'version' | 'pid'>;
}

/** SCRAM over TCP for everyone; the unix socket (owner only) stays trusted for set-up. */
const DEV_HBA = [
  'local all all trust',
  'host all all 127.0.0.1/32 scram-sha-256',
  'host all all ::1/128 scram-sha-256',
];

/** The lines that point `@neondatabase/serverless` at the local server, `https:`/`wss:` when `secure`. */
export function neonConfigLines(secure: boolean): string {
  return [
    "import { neonConfig } from '@neondatabase/serverless';",
    `neonConfig.fetchEndpoint = (host, port) => \`${secure ? 'https' : 'http'}://\${host}:\${port}/sql\`;`,
    `neonConfig.wsProxy = (host, port) => \`\${host}:\${port}/v2\`;`,
    `neonConfig.useSecureWebSocket = ${secure};`,
    "// Node < 22 has no global WebSocket: import ws from 'ws'; neonConfig.webSocketConstructor = ws;",
  ].join('\n');
}

export const NEON_CONFIG_LINES = neonConfigLines(false);

export async function startDev(options: DevOptions = {}): Promise<DevServer> {
  const user = options.user ?? 'postgres';
  const password = options.password ?? 'postgres';
  const database = options.database ?? 'postgres';
  const postgres = await startEmbeddedPostgres({
    dataDir: options.dataDir,
    port: options.pgPort,
    hba: DEV_HBA,
    log: options.postgresLog,
  });
  let server: LocalServer;
  try {
    await prepareRole(postgres, user, password, database);
    server = await startServer({ ...options, upstream: { host: postgres.host, port: postgres.port } });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  const enc = encodeURIComponent;
  let closing: Promise<void> | undefined;
  return {
    ...server,
    connectionString: server.connectionString,
    databaseUrl: server.connectionString({ user, password, database }),
    directUrl: `postgresql://${enc(user)}:${enc(password)}@${postgres.host}:${postgres.port}/${enc(database)}`,
    neonConfigLines: neonConfigLines(options.tls !== undefined),
    postgres: {
      host: postgres.host,
      port: postgres.port,
      dataDir: postgres.dataDir,
      version: postgres.version,
      pid: postgres.pid,
    },
    close() {
      closing ??= (async () => {
        try {
          await server.close();
        } finally {
          await postgres.stop();
        }
      })();
      return closing;
    },
  };
}

/** Creates the role and database when missing and sets the password, over the trusted socket. */
async function prepareRole(postgres: EmbeddedPostgres, user: string, password: string, database: string) {
  const admin = new Client({
    host: postgres.socketDir,
    port: postgres.port,
    user: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  try {
    const role = escapeIdentifier(user);
    const exists = await admin.query('select 1 from pg_roles where rolname = $1', [user]);
    if (exists.rowCount === 0) await admin.query(`create role ${role} login superuser`);
    await admin.query(`alter role ${role} password ${escapeLiteral(password)}`);
    const db = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (db.rowCount === 0) await admin.query(`create database ${escapeIdentifier(database)} owner ${role}`);
  } finally {
    await admin.end();
  }
}
