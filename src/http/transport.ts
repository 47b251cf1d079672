/**
 * One HTTP exchange: `fetch`, status check, body read and JSON parse, with our opt-in retry and
 * `signal`. Without them it behaves exactly as Neon 1.2.0:
 *
 * - `fetch` rejects → `NeonDbError('Error connecting to database: <error>')`, `sourceError` set;
 * - a non-2xx status → `responseError()` (./response.ts).
 *
 * Retry (opt-in): only failures that happened before the query could run — the connection was
 * never made (DNS, refused, unreachable, connect timeout) or HTTP 429/502/503 — unless the caller
 * marks the query `idempotent`, which adds every other network failure (including one while
 * reading the body) and HTTP 504. Delays double from `baseDelayMs` with jitter, capped by
 * `maxDelayMs`, and honour `Retry-After` (seconds) up to the same cap.
 */
import { AbortError, TimeoutError } from '../core/errors.js';
import { wrapError } from './neon-db-error.js';
import { parseBody, responseError } from './response.js';
import type { FetchFunction, FetchResponse, HTTPRetryOptions, QueryTimings } from './types.js';

interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  idempotent: boolean;
}

export function retryPolicy(retry: boolean | HTTPRetryOptions | undefined): RetryPolicy | undefined {
  if (!retry) return undefined;
  const options = retry === true ? {} : retry;
  return {
    maxAttempts: options.maxAttempts ?? 3,
    baseDelayMs: options.baseDelayMs ?? 100,
    maxDelayMs: options.maxDelayMs ?? 2000,
    idempotent: options.idempotent ?? false,
  };
}

/** Error codes (Node/undici) meaning the TCP/TLS connection was never established. */
const connectFailureCodes = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
];

/** Whether a `fetch` rejection shows the request never left (searching `cause` and `AggregateError`s). */
export function isConnectFailure(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && connectFailureCodes.includes(code)) return true;
  if (isConnectFailure(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => isConnectFailure(inner, depth + 1));
}

/** The rejection for an aborted query: `TimeoutError` for `AbortSignal.timeout()`, else `AbortError`. */
export function abortError(signal: AbortSignal): Error {
  const reason = signal.reason as { name?: string; message?: string } | undefined;
  const detail = reason?.message ? `: ${reason.message}` : '';
  return reason?.name === 'TimeoutError'
    ? new TimeoutError(`Query timed out${detail}`, { cause: reason })
    : new AbortError(`Query aborted${detail}`, { cause: reason });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function backoff(policy: RetryPolicy, attempt: number, response?: FetchResponse): number {
  const retryAfter = Number(response?.headers?.get('retry-after') ?? Number.NaN) * 1000;
  const exponential = policy.baseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
  return Math.min(policy.maxDelayMs, retryAfter >= 0 ? retryAfter : exponential);
}

export interface Exchange {
  fetch: FetchFunction;
  url: string;
  init: Record<string, unknown>;
  retry: RetryPolicy | undefined;
  /** Our `signal` option (a `fetchOptions.signal` alone keeps Neon's error). */
  signal: AbortSignal | undefined;
  /** Filled in when timings were asked for; times are `performance.now()` minus `start`. */
  timings: QueryTimings | undefined;
  start: number;
}

/** Sends the request (retrying as allowed) and returns the parsed JSON of a 2xx response. */
export async function exchange(x: Exchange): Promise<unknown> {
  const { retry, signal, timings } = x;
  for (let attempt = 1; ; attempt++) {
    const canRetry = retry !== undefined && attempt < retry.maxAttempts;
    if (signal?.aborted) throw abortError(signal);
    if (timings) {
      timings.requestSent = performance.now() - x.start;
      timings.attempts = attempt;
    }
    let response: FetchResponse;
    // Called unbound: browsers' fetch throws "Illegal invocation" on any receiver but the window.
    const send = x.fetch;
    try {
      response = await send(x.url, x.init);
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      if (canRetry && (retry.idempotent || isConnectFailure(err))) {
        await sleep(backoff(retry, attempt), signal);
        continue;
      }
      throw wrapError(`Error connecting to database: ${err}`, err);
    }
    if (timings) timings.responseHeaders = performance.now() - x.start;
    const { status } = response;
    if (
      !response.ok &&
      canRetry &&
      (status === 429 || status === 502 || status === 503 || (status === 504 && retry.idempotent))
    ) {
      // Release the connection without reading a body we will not use.
      try {
        await response.body?.cancel?.();
      } catch {}
      await sleep(backoff(retry, attempt, response), signal);
      continue;
    }
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      if (signal?.aborted) throw abortError(signal);
      if (canRetry && retry.idempotent) {
        await sleep(backoff(retry, attempt), signal);
        continue;
      }
      throw wrapError(`Error connecting to database: ${err}`, err);
    }
    if (!response.ok) throw responseError(status, text);
    const json = parseBody(text, status);
    if (timings) timings.responseBody = performance.now() - x.start;
    return json;
  }
}
