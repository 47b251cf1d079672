/**
 * Issue #11, faults behind the local server: the server's own connections to PostgreSQL run
 * through a fault proxy, so latency, a stall, a cut mid-message and a reset hit the server's
 * upstream while a `neon()`, WebSocket `Client`/`Pool` or `client.transaction` call is in flight.
 * The server must answer (an error the client can type, never a hang) and must not hand the broken
 * upstream connection to the next call. See harness.ts for what is checked.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { clientConfig, pgInfo } from '../setup/pg.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { APIS, createLedgerTable, type Endpoints } from './harness.js';
import { proxyScenarios, runName, runsOf, sharedEndpoints, useFaultSuite } from './suite.js';

const TABLE = 'fault_ledger_upstream';

const suite = useFaultSuite('upstream-faults');
let server: LocalServer;
let upstreamProxy: FaultProxy;
let endpoints: Endpoints;

beforeAll(async () => {
  const info = pgInfo();
  await createLedgerTable(clientConfig('superuser'), TABLE);
  upstreamProxy = await startFaultProxy({ host: info.host, port: info.port });
  server = await startServer({ upstream: { host: '127.0.0.1', port: upstreamProxy.port }, port: 0 });
  // Only the APIs that go through the local server run here.
  endpoints = sharedEndpoints(
    server,
    {
      postgres: { host: '127.0.0.1', port: upstreamProxy.port },
      server: { host: '127.0.0.1', port: server.port },
    },
    TABLE,
  );
});

afterAll(async () => {
  await upstreamProxy?.close();
  await server?.close();
});

describe('faults between the local server and PostgreSQL', () => {
  for (const scenario of proxyScenarios(() => [upstreamProxy], 'server→PostgreSQL: ', true)) {
    for (const apis of runsOf(
      scenario,
      APIS.filter((a) => a.viaServer),
    )) {
      it(runName(scenario, apis), () => suite.run(scenario, apis, endpoints), 60_000);
    }
  }
  suite.verifyAtEnd(() => clientConfig('superuser'), TABLE);
});
