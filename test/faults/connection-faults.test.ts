/**
 * Issue #11, fault injection on the network path: every API's connection runs through a fault
 * proxy (TCP clients in front of PostgreSQL, HTTP and WebSocket clients in front of the local
 * server), and each fault — latency, a stall, a connection cut mid-message, a reset — and
 * `pg_terminate_backend` hits one call in flight per API. See harness.ts for what is checked.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, startServer } from '../../src/server/index.js';
import { clientConfig, credentials, pgInfo } from '../setup/pg.js';
import { type FaultProxy, startFaultProxy } from '../support/fault-proxy.js';
import { recordReliability, watchUnhandled } from '../support/reliability-log.js';
import {
  APIS,
  createLedgerTable,
  type Endpoints,
  Ledger,
  runScenario,
  type Scenario,
  sleepingBackends,
  terminateBackends,
} from './harness.js';

const SUITE = 'connection-faults';
const TABLE = 'fault_ledger_connection';

const unhandled = watchUnhandled();
const ledger = new Ledger();
let server: LocalServer;
let pgProxy: FaultProxy;
let serverProxy: FaultProxy;
let endpoints: Endpoints;
let cases = 0;
let failures = 0;
let verified: { lost: string[]; unknownCommitted: number } | undefined;

beforeAll(async () => {
  const info = pgInfo();
  await createLedgerTable(clientConfig('superuser'), TABLE);
  server = await startServer({ upstream: { host: info.host, port: info.port }, port: 0 });
  pgProxy = await startFaultProxy({ host: info.host, port: info.port });
  serverProxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
  const { user, password } = credentials('superuser');
  endpoints = {
    postgres: { host: '127.0.0.1', port: pgProxy.port },
    server: { host: '127.0.0.1', port: serverProxy.port },
    serverUrl: server.connectionString({ user, password, database: info.database }),
    user,
    password: password ?? '',
    database: info.database,
    table: TABLE,
  };
});

afterEach(({ task }) => {
  if (task.result?.state === 'fail') failures++;
});

afterAll(async () => {
  recordReliability({
    type: 'suite',
    suite: SUITE,
    kind: 'fault',
    cases,
    failures,
    unhandled: unhandled.count,
    committed: ledger.committed.length,
    lost: verified ? verified.lost.length : ledger.committed.length,
    commitUnknown: ledger.commitUnknown.length,
    commitUnknownCommitted: verified?.unknownCommitted ?? 0,
  });
  await pgProxy?.close();
  await serverProxy?.close();
  await server?.close();
  unhandled.stop();
});

/** The same fault on both proxies: only one API's connections are open at a time. */
function fault(f: Parameters<FaultProxy['set']>[0]): void {
  pgProxy.set(f);
  serverProxy.set(f);
}

const scenarios: Scenario[] = [
  {
    name: 'delay 40 ms per chunk',
    sleepS: 0,
    mustSucceed: true,
    arm: () => fault({ kind: 'delay', ms: 40 }),
    clear: () => fault({ kind: 'none' }),
  },
  {
    name: 'stall (peer stops answering)',
    sleepS: 0,
    arm: () => fault({ kind: 'stall' }),
    nextAttempts: () => 1 + pgProxy.stalled + serverProxy.stalled,
    clear: () => fault({ kind: 'none' }),
    // After the next call was checked: the hung peer restarts, so later cases start clean.
    finish: () => {
      pgProxy.dropStalled();
      serverProxy.dropStalled();
    },
  },
  {
    name: 'cut mid-message',
    sleepS: 0,
    arm: () => fault({ kind: 'cut' }),
    clear: () => fault({ kind: 'none' }),
  },
  {
    name: 'reset (RST)',
    sleepS: 0,
    arm: () => fault({ kind: 'reset' }),
    clear: () => fault({ kind: 'none' }),
  },
  {
    name: 'pg_terminate_backend',
    sleepS: 2,
    async during(inFlight) {
      const pids = await sleepingBackends(clientConfig('superuser'), TABLE, inFlight);
      expect(pids.length).toBe(inFlight);
      await terminateBackends(clientConfig('superuser'), pids);
    },
  },
];

describe('faults on the connection path', () => {
  for (const scenario of scenarios) {
    for (const api of APIS) {
      it(`${scenario.name} — ${api.name}`, async () => {
        cases++;
        const firedBefore = pgProxy.fired + serverProxy.fired;
        const [result] = await runScenario(SUITE, scenario, [api], endpoints, ledger);
        recordReliability(result.record);
        expect(result.problems).toEqual([]);
        if (scenario.name.startsWith('cut') || scenario.name.startsWith('reset')) {
          // The one-shot fault really hit this call.
          expect(pgProxy.fired + serverProxy.fired).toBe(firedBefore + 1);
        }
      }, 60_000);
    }
  }

  it('nothing committed is lost, and no error escaped to the process', async () => {
    verified = await ledger.verify(clientConfig('superuser'), TABLE);
    expect(verified.lost).toEqual([]);
    expect(ledger.committed.length).toBeGreaterThan(cases * 2 - 1);
    expect(unhandled.errors).toEqual([]);
  });
});
