/**
 * Book-keeping shared by the fault suites: the ledger, the counts of cases, failed tests and
 * errors that escaped to the process, the suite's line in the reliability summary, the final
 * ledger check, and the faults a proxy injects.
 */
import type pg from 'pg';
import { afterAll, afterEach, expect, it } from 'vitest';
import type { FaultProxy } from '../support/fault-proxy.js';
import { recordReliability, watchUnhandled } from '../support/reliability-log.js';
import { type Api, type Endpoints, Ledger, runScenario, type Scenario } from './harness.js';

export interface FaultSuite {
  readonly ledger: Ledger;
  /** Runs a scenario, records each case, and asserts that every case passed. */
  run(scenario: Scenario, apis: Api[], endpoints: Endpoints): Promise<void>;
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
      // Not verified (the check did not run): nothing is claimed.
      lost: verified ? verified.lost.length : ledger.committed.length,
      commitUnknown: ledger.commitUnknown.length,
      commitUnknownCommitted: verified?.unknownCommitted ?? 0,
    });
  });

  return {
    ledger,
    async run(scenario, apis, endpoints) {
      cases += apis.length;
      const results = await runScenario(suite, scenario, apis, endpoints, ledger);
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
 */
export function proxyScenarios(proxies: () => FaultProxy[], where = ''): Scenario[] {
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
      arm: () => {
        before = fired();
        fault({ kind });
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
      nextAttempts: () => 1 + proxies().reduce((n, proxy) => n + proxy.stalled, 0),
      clear: () => fault({ kind: 'none' }),
      // After the next call was checked: the hung peer restarts, so later cases start clean.
      finish: () => {
        for (const proxy of proxies()) proxy.dropStalled();
      },
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
      sleepS: 0,
      arm: () => fault({ kind: 'blackhole' }),
      clear: () => fault({ kind: 'none' }),
      async afterClose() {
        // A connect that timed out must close its socket, not leave it to the peer.
        for (let i = 0; i < 100 && stalled() > 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(stalled(), 'connections left open after their connect timed out').toBe(0);
      },
      finish: () => {
        for (const proxy of proxies()) proxy.dropStalled();
      },
    },
    { name: 'reset on connect', onConnect: true, sleepS: 0, arm: () => fault({ kind: 'reset' }) },
    { name: 'cut on connect', onConnect: true, sleepS: 0, arm: () => fault({ kind: 'cut' }) },
  ].map((scenario) => ({ clear: () => fault({ kind: 'none' }), ...scenario }));
}
