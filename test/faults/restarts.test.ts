/**
 * Issue #11, restarts: PostgreSQL restarting (a fast shutdown ends every session with FATAL
 * 57P01, then the same data directory comes back on the same port) and the local server
 * restarting on its port, each while one call of every API is in flight. It runs on a cluster
 * of its own: other test files use the shared one in parallel. See harness.ts for the checks.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../../src/server/embedded-postgres.js';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { APIS, createLedgerTable, type Endpoints, type Scenario, sleepingBackends } from './harness.js';
import { useFaultSuite } from './suite.js';

const TABLE = 'fault_ledger_restarts';
const PASSWORD = 'restart-pass';
// A clean shutdown writes everything out, so durability settings only cost time here.
const SETTINGS = { fsync: 'off' };

const suite = useFaultSuite('restarts');
let dataDir: string;
let cluster: EmbeddedPostgres;
let server: LocalServer;
let admin: pg.ClientConfig;
let endpoints: Endpoints;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'edgepg-faults-restart-'));
  cluster = await startEmbeddedPostgres({ dataDir, settings: SETTINGS });
  // The unix socket is trust: the way in before the superuser has a password.
  const socket = new pg.Client({
    host: cluster.socketDir,
    port: cluster.port,
    user: 'postgres',
    database: 'postgres',
  });
  await socket.connect();
  await socket.query(`alter role postgres password '${PASSWORD}'`);
  await socket.end();
  admin = {
    host: '127.0.0.1',
    port: cluster.port,
    user: 'postgres',
    password: PASSWORD,
    database: 'postgres',
  };
  await createLedgerTable(admin, TABLE);
  server = await startServer({ upstream: { host: '127.0.0.1', port: cluster.port }, port: 0 });
  endpoints = {
    postgres: { host: '127.0.0.1', port: cluster.port },
    server: { host: '127.0.0.1', port: server.port },
    serverUrl: server.connectionString({ user: 'postgres', password: PASSWORD, database: 'postgres' }),
    user: 'postgres',
    password: PASSWORD,
    database: 'postgres',
    table: TABLE,
  };
}, 120_000);

afterAll(async () => {
  await server?.close();
  await cluster?.stop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
}, 60_000);

const postgresRestart: Scenario = {
  name: 'PostgreSQL restart',
  sleepS: 2,
  async during(inFlight) {
    expect(await sleepingBackends(admin, TABLE, inFlight)).toHaveLength(inFlight);
    await cluster.stop();
    cluster = await startEmbeddedPostgres({ dataDir, port: endpoints.postgres.port, settings: SETTINGS });
  },
};

const serverRestart: Scenario = {
  name: 'local server restart',
  sleepS: 2,
  async during(inFlight) {
    expect(await sleepingBackends(admin, TABLE, inFlight)).toHaveLength(inFlight);
    const port = server.port;
    await server.close();
    server = await startServer({ upstream: { host: '127.0.0.1', port: cluster.port }, port });
  },
};

describe('restarts with a call of every API in flight', () => {
  for (const [scenario, apis] of [
    [postgresRestart, APIS],
    [serverRestart, APIS.filter((api) => api.viaServer)],
  ] as const) {
    it(
      `${scenario.name}: ${apis.map((api) => api.name).join(', ')}`,
      () => suite.run(scenario, apis, endpoints),
      90_000,
    );
  }
  suite.verifyAtEnd(() => admin, TABLE);
});
