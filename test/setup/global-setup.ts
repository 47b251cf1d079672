/**
 * vitest globalSetup: one real PostgreSQL per test run.
 *
 * Without DATABASE_URL (or PGHOST) it starts an embedded cluster on a free port and creates one
 * login role per authentication method; with it, it uses that server and creates the roles only
 * if it is allowed to. Tests read the result with `pgInfo()` / `connectionString()` (./pg.ts).
 */
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import type { TestProject } from 'vitest/node';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/server/embedded-postgres';
import { EMBEDDED_SUPERUSER_PASSWORD, type PgAuthRole, type PgTestInfo, TEST_ROLES } from './pg-info';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = externalServer();
  let server: EmbeddedPostgres | undefined;
  let info: PgTestInfo;
  if (external) {
    info = await prepareExternal(external);
  } else {
    // EDGEPG_PG_LOG=1 shows the server log, for debugging the fixture itself.
    const log = process.env.EDGEPG_PG_LOG ? (line: string) => console.error(`[postgres] ${line}`) : undefined;
    server = await startEmbeddedPostgres({ log });
    try {
      info = await prepareEmbedded(server);
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  const where = external
    ? `external ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'PG* env'}, roles: ${Object.keys(info.roles).join(', ') || 'none'}`
    : `embedded, data ${info.dataDir}`;
  console.log(`[edgepg tests] PostgreSQL ${info.version} on ${info.host}:${info.port} (${where})`);

  project.provide('pg', info);
  return async () => {
    await server?.stop();
  };
}

async function prepareEmbedded(server: EmbeddedPostgres): Promise<PgTestInfo> {
  // The unix socket is `local all all trust`: the only way in before the superuser has a password.
  const admin = new pg.Client({
    host: server.socketDir,
    port: server.port,
    user: server.user,
    database: 'postgres',
  });
  await admin.connect();
  try {
    await admin.query(`ALTER ROLE postgres PASSWORD ${admin.escapeLiteral(EMBEDDED_SUPERUSER_PASSWORD)}`);
    // SUPERUSER: this cluster is thrown away after the run, and tests authenticating as any of these
    // roles can then create tables, schemas and databases without a grant for each.
    for (const role of Object.keys(TEST_ROLES) as PgAuthRole[]) await upsertRole(admin, role, 'SUPERUSER');
    const version = await serverVersion(admin);
    return {
      host: server.host,
      port: server.port,
      database: 'postgres',
      superuser: { user: server.user, password: EMBEDDED_SUPERUSER_PASSWORD },
      roles: { ...TEST_ROLES },
      socketDir: server.socketDir,
      dataDir: server.dataDir,
      ...version,
      external: false,
    };
  } finally {
    await admin.end();
  }
}

interface ExternalServer {
  config: pg.ClientConfig;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  query?: string;
}

function externalServer(): ExternalServer | undefined {
  const url = process.env.DATABASE_URL;
  let config: pg.ClientConfig;
  if (url) {
    config = parseIntoClientConfig(url);
  } else if (process.env.PGHOST) {
    // pg itself fills in the other PG* variables.
    config = {};
  } else {
    return undefined;
  }
  const defaults = new pg.Client(config);
  const query = url?.includes('?') ? url.slice(url.indexOf('?') + 1) : undefined;
  return {
    config,
    host: defaults.host,
    port: defaults.port,
    database: defaults.database ?? defaults.user ?? 'postgres',
    user: defaults.user ?? 'postgres',
    password: typeof defaults.password === 'string' ? defaults.password : '',
    query,
  };
}

async function prepareExternal(server: ExternalServer): Promise<PgTestInfo> {
  const admin = new pg.Client(server.config);
  await admin.connect();
  let version: { version: string; versionNum: number };
  try {
    version = await serverVersion(admin);
    // Not SUPERUSER here: this server is not ours to hand out superuser roles with known passwords.
    for (const role of Object.keys(TEST_ROLES) as PgAuthRole[]) {
      await upsertRole(admin, role, 'CREATEDB').catch(() => {});
    }
  } finally {
    await admin.end();
  }
  // Keep only the roles that can actually log in here (they may exist, yet pg_hba may refuse them).
  const roles: PgTestInfo['roles'] = {};
  for (const role of Object.keys(TEST_ROLES) as PgAuthRole[]) {
    const credentials = TEST_ROLES[role];
    const password = 'password' in credentials ? credentials.password : undefined;
    const client = new pg.Client({
      ...server.config,
      database: server.database,
      user: credentials.user,
      password,
    });
    try {
      await client.connect();
      Object.assign(roles, { [role]: { ...credentials } });
    } catch {
      // Not available on this server.
    } finally {
      await client.end().catch(() => {});
    }
  }
  return {
    host: server.host,
    port: server.port,
    database: server.database,
    superuser: { user: server.user, password: server.password },
    roles,
    socketDir: server.host.startsWith('/') ? server.host : undefined,
    query: server.query,
    ...version,
    external: true,
  };
}

/** Creates the role, or resets its password if it exists (an external server may keep it). */
async function upsertRole(admin: pg.Client, role: PgAuthRole, privileges: string): Promise<void> {
  const credentials = TEST_ROLES[role];
  const name = admin.escapeIdentifier(credentials.user);
  // md5 authentication silently becomes SCRAM when the stored secret is a SCRAM one.
  await admin.query(`SET password_encryption = '${role === 'md5' ? 'md5' : 'scram-sha-256'}'`);
  const password =
    'password' in credentials ? `PASSWORD ${admin.escapeLiteral(credentials.password)}` : 'PASSWORD NULL';
  const { rowCount } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [credentials.user]);
  const verb = rowCount ? 'ALTER' : 'CREATE';
  await admin.query(`${verb} ROLE ${name} WITH LOGIN ${privileges} ${password}`);
  await admin.query('RESET password_encryption');
}

async function serverVersion(client: pg.Client): Promise<{ version: string; versionNum: number }> {
  const { rows } = await client.query<{ version: string; num: string }>(
    "SELECT current_setting('server_version') AS version, current_setting('server_version_num') AS num",
  );
  // Distribution builds append a suffix: "17.10 (Debian 17.10-1.pgdg120+1)".
  return { version: rows[0].version.split(' ')[0], versionNum: Number(rows[0].num) };
}
