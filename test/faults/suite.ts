/**
 * Book-keeping shared by the fault suites: the ledger, the counts of cases, failed tests and
 * errors that escaped to the process, the suite's line in the reliability summary, the final
 * ledger check, and the faults a proxy injects.
 */
import type pg from 'pg';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { LocalServer } from '../../src/server/index.js';
import { credentials, pgInfo } from '../setup/pg.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import { recordReliability, watchUnhandled } from '../support/reliability-log.js';
import {
  type Api,
  type CaseResult,
  type Endpoint,
  type Endpoints,
  Ledger,
  runScenario,
  type Scenario,
} from './harness.js';

export interface FaultSuite {
  readonly ledger: Ledger;
  /** Runs a scenario, records each case, and asserts that every case passed. */
  run(scenario: Scenario, apis: Api[], endpoints: Endpoints): Promise<void>;
  /** Records cases run by hand, and asserts that they passed. */
  report(results: CaseResult[]): void;
  /** Registers the last test: every resolved call's row is there, and nothing escaped. */
  verifyAtEnd(reader: () => pg.ClientConfig, table: string): void;
}

/** Registers the suite's hooks in the calling file. */
export function useFaultSuite(suite: string): FaultSuite {
  const unhandled = watchUnhandled();
  const ledger = new Ledger();
  let cases = 0;
  let failures = 0;
  let verified: { lost: string[]; unknownCommitted: number } | undefined;

  afterEach(({ task }) => {
    if (task.result?.state === 'fail') failures++;
  });
  afterAll(() => {
    unhandled.stop();
    recordReliability({
      type: 'suite',
      suite,
      kind: 'fault',
      cases,
      failures,
      unhandled: unhandled.count,
      committed: ledger.committed.length,
      lost: verified?.lost.length,
      commitUnknown: ledger.commitUnknown.length,
      commitUnknownCommitted: verified?.unknownCommitted ?? 0,
    });
  });

  return {
    ledger,
    async run(scenario, apis, endpoints) {
      this.report(await runScenario(suite, scenario, apis, endpoints, ledger));
    },
    report(results) {
      cases += results.length;
      for (const result of results) recordReliability(result.record);
      expect(results.flatMap((result) => result.problems)).toEqual([]);
    },
    verifyAtEnd(reader, table) {
      it('nothing committed is lost, and no error escaped to the process', async () => {
        verified = await ledger.verify(reader(), table);
        expect(verified.lost).toEqual([]);
        expect(unhandled.errors).toEqual([]);
      });
    },
  };
}

/**
 * Latency, a stall, a cut and a reset, applied to every proxy given (only one API runs at a
 * time); `where` prefixes the names when the proxies are not on the client's own connection.
 * `matchStatement`: the cut and the reset wait for the call's own statement (its INSERT, or a
 * transaction's COMMIT) — for plain Postgres streams, where the text is visible (a WebSocket
 * client's frames are masked).
 */
export function proxyScenarios(proxies: () => FaultProxy[], where = '', matchStatement = false): Scenario[] {
  const fault = (f: Parameters<FaultProxy['set']>[0]) => {
    for (const proxy of proxies()) proxy.set(f);
  };
  const fired = () => proxies().reduce((n, proxy) => n + proxy.fired, 0);
  /** A one-shot fault that must really hit the call. */
  const oneShot = (name: string, kind: 'cut' | 'reset'): Scenario => {
    let before = 0;
    return {
      name: where + name,
      sleepS: 0,
      arm: (api) => {
        before = fired();
        fault({ kind, match: matchStatement ? (api.transactional ? 'commit' : 'insert') : undefined });
      },
      clear: () => {
        fault({ kind: 'none' });
        expect(fired(), `${name} did not hit the call`).toBe(before + 1);
      },
    };
  };
  return [
    {
      name: `${where}delay 40 ms per chunk`,
      sleepS: 0,
      mustSucceed: true,
      arm: () => fault({ kind: 'delay', ms: 40 }),
      clear: () => fault({ kind: 'none' }),
    },
    {
      name: `${where}stall (peer stops answering)`,
      sleepS: 0,
      arm: () => fault({ kind: 'stall' }),
      slow: true,
      // A Pool drops the connection whose query timed out, a Client is replaced; `fetch` may still
      // hold other stalled keep-alive sockets, each found out by one timed-out request.
      nextAttempts: (api) => (api.ownsConnections ? 1 : 1 + proxies().reduce((n, p) => n + p.stalled, 0)),
      clear: () => fault({ kind: 'none' }),
      finish: () => dropStalled(proxies()),
    },
    oneShot('cut mid-message', 'cut'),
    oneShot('reset (RST)', 'reset'),
  ];
}

/**
 * Faults that hit a new connection while it connects: a peer that accepts and never answers, a
 * reset of the startup (or WebSocket upgrade) request, a cut in the server's first answer. For
 * APIs that open their own connections.
 */
export function connectScenarios(proxies: () => FaultProxy[]): Scenario[] {
  const fault = (f: Parameters<FaultProxy['set']>[0]) => {
    for (const proxy of proxies()) proxy.set(f);
  };
  const stalled = () => proxies().reduce((n, proxy) => n + proxy.stalled, 0);
  return [
    {
      name: 'blackhole on connect',
      onConnect: true,
      slow: true,
      sleepS: 0,
      arm: () => fault({ kind: 'blackhole' }),
      clear: () => fault({ kind: 'none' }),
      async afterClose() {
        // A connect that timed out must close its socket, not leave it to the peer.
        for (let i = 0; i < 100 && stalled() > 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(stalled(), 'connections left open after their connect timed out').toBe(0);
      },
      finish: () => dropStalled(proxies()),
    },
    { name: 'reset on connect', onConnect: true, sleepS: 0, arm: () => fault({ kind: 'reset' }) },
    { name: 'cut on connect', onConnect: true, sleepS: 0, arm: () => fault({ kind: 'cut' }) },
  ].map((scenario) => ({ clear: () => fault({ kind: 'none' }), ...scenario }));
}

/**
 * How to split `apis` into runs of `scenario`: one API per run, except that a slow scenario runs
 * the APIs together — all of them on connect, else every non-transactional one at once (a
 * transaction's fault must hit its COMMIT, which another API's call would arm too early).
 */
export function runsOf(scenario: Scenario, apis: Api[]): Api[][] {
  if (!scenario.slow) return apis.map((api) => [api]);
  if (scenario.onConnect) return [apis];
  return [
    apis.filter((api) => !api.transactional),
    ...apis.filter((api) => api.transactional).map((api) => [api]),
  ];
}

export function runName(scenario: Scenario, apis: Api[]): string {
  return `${scenario.name} — ${apis.map((api) => api.name).join(', ')}`;
}

/**
 * After a stall: the hung peer restarts, so later cases start clean. Its connections are closed,
 * then the clients get a moment to see the close: an idle pooled connection that dies at the
 * very moment a request takes it fails that request, which is not what the next case tests.
 */
async function dropStalled(proxies: FaultProxy[]): Promise<void> {
  for (const proxy of proxies) proxy.dropStalled();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Endpoints on the shared test cluster, as its superuser; `server` names the local server. */
export function sharedEndpoints(
  server: LocalServer,
  via: { postgres: Endpoint; server: Endpoint },
  table: string,
): Endpoints {
  const info = pgInfo();
  const { user, password } = credentials('superuser');
  return {
    ...via,
    serverUrl: server.connectionString({ user, password, database: info.database }),
    user,
    password: password ?? '',
    database: info.database,
    table,
  };
}
