/**
 * What the fault and fuzz suites report to the end-of-run summary: each test file appends JSON
 * lines to one file per `vitest` run (its path comes from the global setup through `provide`),
 * and the global setup's teardown prints the table (test/setup/reliability-summary.ts). Appends
 * of one short line are atomic enough across forked workers.
 */
import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';

/** One scenario × API case of a fault suite. */
export interface FaultCaseRecord {
  type: 'fault-case';
  suite: string;
  scenario: string;
  api: string;
  /** What the call under the fault did: succeeded, failed with a typed error, or COMMIT unknown. */
  outcome: 'ok' | 'error' | 'commit-unknown';
  /** Error class and code, when it failed. */
  error?: string;
  elapsedMs: number;
  /** The client-side timeout of each request (query, connect, HTTP). */
  timeoutMs: number;
  /** The bound the whole call promises to settle within (a transaction makes several requests). */
  budgetMs: number;
  /** The next call on the same Pool / neon() (a new Client for a lone Client) succeeded. */
  recovered: boolean;
}

/** A suite's totals, written once from its afterAll. */
export interface SuiteRecord {
  type: 'suite';
  suite: string;
  kind: 'fault' | 'fuzz';
  /** Fault cases (scenario × API) or fuzz cases executed. */
  cases: number;
  failures: number;
  unhandled: number;
  /** Ledger: calls that resolved, and how many of their rows were missing afterwards. */
  committed?: number;
  /** Absent when the ledger check did not run (a filtered or failed run). */
  lost?: number;
  /** Calls that failed with CommitUnknownError, and how many of them had committed after all. */
  commitUnknown?: number;
  commitUnknownCommitted?: number;
}

export type ReliabilityRecord = FaultCaseRecord | SuiteRecord;

declare module 'vitest' {
  export interface ProvidedContext {
    reliabilityLog: string;
  }
}

export function recordReliability(record: ReliabilityRecord): void {
  // Absent when a config runs the suites without the summary's global setup.
  const path = inject('reliabilityLog');
  if (path) appendFileSync(path, `${JSON.stringify(record)}\n`);
}

/** Counts process-level `unhandledRejection` and `uncaughtException` events while installed. */
export function watchUnhandled(): { readonly count: number; readonly errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    get count() {
      return errors.length;
    },
    errors,
    stop() {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}
