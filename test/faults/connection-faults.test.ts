/**
 * Issue #11, fault injection on the client's connection: every API's connection runs through a
 * fault proxy (TCP clients in front of PostgreSQL, HTTP and WebSocket clients in front of the
 * local server), and each fault — latency, a stall, a connection cut mid-message, a reset — and
 * `pg_terminate_backend` hits one call in flight per API. See harness.ts for what is checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { clientConfig, pgInfo } from '../setup/pg.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import {
  APIS,
  createLedgerTable,
  type Endpoints,
  type Scenario,
  sleepingBackends,
  terminateBackends,
} from './harness.js';
import { BURST, resetUnderBurst } from './pipelined.js';
import {
  connectScenarios,
  proxyScenarios,
  runName,
  runsOf,
  sharedEndpoints,
  useFaultSuite,
} from './suite.js';

const TABLE = 'fault_ledger_connection';

const SUITE = 'connection-faults';
const suite = useFaultSuite(SUITE);
let server: LocalServer;
let pgProxy: FaultProxy;
let serverProxy: FaultProxy;
let endpoints: Endpoints;

beforeAll(async () => {
  const info = pgInfo();
  await createLedgerTable(clientConfig('superuser'), TABLE);
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  pgProxy = await startFaultProxy({ host: info.host, port: info.port });
  serverProxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
  endpoints = sharedEndpoints(
    server,
    {
      postgres: { host: '127.0.0.1', port: pgProxy.port },
      server: { host: '127.0.0.1', port: serverProxy.port },
    },
    TABLE,
  );
});

afterAll(async () => {
  await pgProxy?.close();
  await serverProxy?.close();
  await server?.close();
});

const terminate: Scenario = {
  name: 'pg_terminate_backend',
  sleepS: 2,
  // The server's FATAL reaches the caller, not just "connection terminated".
  errorCode: '57P01',
  async during(inFlight) {
    const pids = await sleepingBackends(clientConfig('superuser'), TABLE, inFlight);
    expect(pids).toHaveLength(inFlight);
    await terminateBackends(clientConfig('superuser'), pids);
  },
};

describe('faults on the connection path', () => {
  for (const scenario of [...proxyScenarios(() => [pgProxy, serverProxy]), terminate]) {
    for (const apis of runsOf(scenario, APIS)) {
      it(runName(scenario, apis), () => suite.run(scenario, apis, endpoints), 60_000);
    }
  }
  for (const scenario of connectScenarios(() => [pgProxy, serverProxy])) {
    for (const apis of runsOf(
      scenario,
      APIS.filter((a) => a.ownsConnections),
    )) {
      it(runName(scenario, apis), () => suite.run(scenario, apis, endpoints), 60_000);
    }
  }
  for (const route of ['TCP', 'WS'] as const) {
    it(`reset under ${BURST} pipelined pool.query calls — Pool ${route}`, async () => {
      suite.report([await resetUnderBurst(SUITE, route, endpoints, [pgProxy, serverProxy], suite.ledger)]);
    });
  }
  suite.verifyAtEnd(() => clientConfig('superuser'), TABLE);
});
