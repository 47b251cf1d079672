/**
 * A reset under a burst of pipelined `pool.query()` calls: the Pool spreads them over its two
 * connections, one connection is reset as the burst goes out, and only the calls in flight on
 * that connection may fail — each with a typed error, none hanging — while the others commit.
 */
import { ConnectionError } from '../../src/core/errors.js';
import { Pool } from '../../src/pool/pool.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import {
  brokenIn,
  type CaseResult,
  configFor,
  describeError,
  type Endpoints,
  HANG_SLACK_MS,
  insert,
  isTypedError,
  type Ledger,
  type Route,
  settleWithin,
  TIMEOUT_MS,
} from './harness.js';

export const BURST = 50;

export async function resetUnderBurst(
  suite: string,
  route: Route,
  endpoints: Endpoints,
  proxies: FaultProxy[],
  ledger: Ledger,
): Promise<CaseResult> {
  const scenario = `reset under ${BURST} pipelined queries`;
  const api = `Pool ${route}`;
  const pool = new Pool({ ...configFor(route, endpoints), max: 2 });
  const problems: string[] = [];
  try {
    // Two connections: the second query finds the first one busy connecting and opens another.
    await Promise.all([pool.query('select 1'), pool.query('select 1')]);
    if (pool.totalCount !== 2)
      problems.push(`expected 2 connections before the burst, got ${pool.totalCount}`);
    const firedBefore = proxies.reduce((n, proxy) => n + proxy.fired, 0);
    for (const proxy of proxies) proxy.set({ kind: 'reset' });
    const started = performance.now();
    const calls = Array.from({ length: BURST }, (_, k) => {
      const id = ledger.id(scenario, api, `burst-${k}`);
      return settleWithin(pool.query(insert(endpoints.table), [id, 0]), TIMEOUT_MS + HANG_SLACK_MS).then(
        (settled) => ({ id, settled }),
      );
    });
    const outcomes = await Promise.all(calls);
    const elapsedMs = Math.round(performance.now() - started);
    for (const proxy of proxies) proxy.set({ kind: 'none' });
    if (proxies.reduce((n, proxy) => n + proxy.fired, 0) !== firedBefore + 1)
      problems.push('the reset did not fire');

    let failed = 0;
    const errors = new Set<string>();
    for (const { id, settled } of outcomes) {
      if (settled.hung) problems.push(`${api}: a pipelined call did not settle`);
      else if ('error' in settled) {
        failed++;
        ledger.failed.push(id);
        errors.add(describeError(settled.error));
        if (!isTypedError(settled.error) || !(settled.error instanceof ConnectionError))
          problems.push(`${api}: expected a ConnectionError, got ${String(settled.error)}`);
      } else ledger.committed.push(id);
    }
    // The reset hits one connection: its calls fail, the other connection's commit.
    if (failed === 0 || failed === BURST) problems.push(`${api}: ${failed} of ${BURST} calls failed`);

    const nextId = ledger.id(scenario, api, 'next');
    const next = await settleWithin(
      pool.query(insert(endpoints.table), [nextId, 0]),
      TIMEOUT_MS + HANG_SLACK_MS,
    );
    const recovered = !next.hung && !('error' in next);
    if (recovered) ledger.committed.push(nextId);
    else problems.push(`${api}: the next call failed: ${next.hung ? 'hung' : String(next.error)}`);
    if (brokenIn(pool) > 0) problems.push(`${api}: broken connections still in the pool`);
    return {
      problems,
      record: {
        type: 'fault-case',
        suite,
        scenario,
        api,
        outcome: failed > 0 ? 'error' : 'ok',
        error: [...errors].join(', ') || undefined,
        elapsedMs,
        timeoutMs: TIMEOUT_MS,
        budgetMs: TIMEOUT_MS,
        recovered,
      },
    };
  } finally {
    await settleWithin(pool.end(), HANG_SLACK_MS);
  }
}
