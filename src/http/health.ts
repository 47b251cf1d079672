/**
 * `verifyConnectivity()`, `getServerInfo()` and `executeQuery()` on the `neon()` function: the
 * Client/Pool methods (src/client/server-info.ts, execute-query.ts) with their shapes, over
 * HTTP. Attached by the full entry's `neon` (./neon-session.ts); `edgepg/http` leaves them out.
 *
 * Each is one HTTP request through the instance's own `execute`, so options, endpoint, auth and
 * errors are exactly `sql`'s: a wrong password is the server's `NeonDbError` (28P01), a refused
 * connection `NeonDbError('Error connecting to database: …')`. A time budget aborts the request
 * (`TimeoutError`) when nothing answers, e.g. a host that accepts connections and then hangs.
 *
 * Over HTTP there is no session: `getServerInfo()` describes the pooled backend that served the
 * request (the next one may differ), and `executeQuery()` sees no notices (`notices` is empty).
 */
import type { EagerResult } from '../client/execute-query.js';
import { DEFAULT_VERIFY_TIMEOUT_MS } from '../client/server-info.js';
import type { IsolationLevel } from '../client/transaction.js';
import { ConfigError, TimeoutError, UsageError } from '../core/errors.js';
import type { QueryResultRow } from '../core/result.js';
import { MAX_TIMER_MS } from '../core/timer-limit.js';
import type { CustomTypesConfig } from '../core/types.js';
import type { NeonContext } from './extensions.js';
import { anySignal } from './request.js';
import type {
  HTTPExecuteQueryOptions,
  HTTPServerInfo,
  HTTPVerifyConnectivityOptions,
} from './session-types.js';
import type { FullQueryResults, HTTPTransactionOptions } from './types.js';

type NeonIsolationLevel = NonNullable<HTTPTransactionOptions<boolean, boolean>['isolationLevel']>;

/** The parameters Postgres reports with ParameterStatus (as `client.serverParameters` holds them). */
const reportedParameters = [
  'application_name',
  'client_encoding',
  'DateStyle',
  'default_transaction_read_only',
  'in_hot_standby',
  'integer_datetimes',
  'IntervalStyle',
  'is_superuser',
  'scram_iterations',
  'server_encoding',
  'server_version',
  'session_authorization',
  'standard_conforming_strings',
  'TimeZone',
];

/** Missing settings (an older server) are left out by `current_setting(name, true)` giving null. */
const serverInfoQuery =
  "select current_setting('server_version'), current_setting('server_version_num'), pg_backend_pid()::text, " +
  '(select json_object_agg(name, value) from (select name, current_setting(name, true) as value ' +
  'from unnest($1::text[]) as name) as settings where value is not null)::text';

const rawText: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

const neonIsolationLevels: Record<IsolationLevel, NeonIsolationLevel> = {
  'read uncommitted': 'ReadUncommitted',
  'read committed': 'ReadCommitted',
  'repeatable read': 'RepeatableRead',
  serializable: 'Serializable',
  ReadUncommitted: 'ReadUncommitted',
  ReadCommitted: 'ReadCommitted',
  RepeatableRead: 'RepeatableRead',
  Serializable: 'Serializable',
};

/** A request's time budget: its signal (joined with the caller's) and how to report expiry. */
interface Budget {
  signal: AbortSignal | undefined;
  /** Replaces the HTTP path's generic timeout error with one naming the operation and budget. */
  rethrow(error: unknown): never;
}

function budget(
  what: string,
  timeoutMs: unknown,
  fallback: number | undefined,
  signals: (AbortSignal | undefined)[],
): Budget {
  const ms = timeoutMs ?? fallback;
  if (ms !== undefined && (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIMER_MS)) {
    throw new ConfigError(`${what} timeoutMs must be a number > 0 and <= ${MAX_TIMER_MS}, got ${String(ms)}`);
  }
  const timer = ms === undefined ? undefined : AbortSignal.timeout(ms);
  const given = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (timer) given.push(timer);
  const signal = given.length > 1 ? given.reduce(anySignal) : given[0];
  return {
    signal,
    rethrow(error) {
      if (timer?.aborted && error instanceof TimeoutError) {
        throw new TimeoutError(`${what} timed out after ${ms} ms`, { cause: error });
      }
      throw error;
    },
  };
}

/** `sql.verifyConnectivity({ timeoutMs })`: `select 1` over HTTP within the budget (default 10 s). */
export async function verifyConnectivity(
  context: NeonContext,
  options: HTTPVerifyConnectivityOptions | undefined,
): Promise<void> {
  const { signal, rethrow } = budget('verifyConnectivity', options?.timeoutMs, DEFAULT_VERIFY_TIMEOUT_MS, [
    context.instance.signal,
    options?.signal,
  ]);
  await context.execute({ query: 'select 1', params: [] }, { signal }).catch(rethrow);
}

/** `sql.getServerInfo()`: version, backend pid and the reported parameters, in one request. */
export async function getServerInfo(
  context: NeonContext,
  options: HTTPVerifyConnectivityOptions | undefined,
): Promise<HTTPServerInfo> {
  const { signal, rethrow } = budget('getServerInfo', options?.timeoutMs, DEFAULT_VERIFY_TIMEOUT_MS, [
    context.instance.signal,
    options?.signal,
  ]);
  const rows = (await context
    .execute(
      { query: serverInfoQuery, params: [reportedParameters] },
      { signal, arrayMode: true, fullResults: false, types: rawText },
    )
    .catch(rethrow)) as string[][];
  const [version, versionNum, pid, parameters] = rows[0];
  return {
    serverVersion: version,
    serverVersionNum: Number(versionNum),
    protocol: 'http',
    backendPid: Number(pid),
    parameters: JSON.parse(parameters ?? '{}') as Record<string, string>,
  };
}

/**
 * `sql.executeQuery(text, params, options)`: one query with a summary. With `readOnly` or
 * `isolationLevel` it is sent as a one-query HTTP transaction with those settings (not retried:
 * a single statement has nothing to re-run client-side).
 */
export async function executeQuery<R extends QueryResultRow, T>(
  context: NeonContext,
  text: string,
  params: unknown[] | undefined,
  options: HTTPExecuteQueryOptions<R, T> | undefined,
): Promise<EagerResult<T>> {
  const start = performance.now();
  if (typeof text !== 'string') throw new UsageError('executeQuery() needs the query text as a string');
  if (params !== undefined && !Array.isArray(params)) {
    throw new UsageError('executeQuery() parameters must be an array');
  }
  const { readOnly, isolationLevel, transform, timeoutMs, ...http } = options ?? {};
  const { signal, rethrow } = budget('executeQuery', timeoutMs, undefined, [
    http.signal ?? context.instance.signal,
  ]);
  const queryOpts = { ...http, signal, fullResults: true, timings: true };
  const data = { query: text, params: params ?? [] };
  let result: FullQueryResults<boolean>;
  const sentFrom = performance.now() - start;
  if (readOnly === undefined && isolationLevel === undefined) {
    result = (await context.execute(data, queryOpts).catch(rethrow)) as FullQueryResults<boolean>;
  } else {
    const level = isolationLevel === undefined ? undefined : neonIsolationLevels[isolationLevel];
    if (isolationLevel !== undefined && !Object.hasOwn(neonIsolationLevels, isolationLevel)) {
      throw new ConfigError(`Unknown isolationLevel: ${String(isolationLevel)}`);
    }
    const batch = (await context
      .execute([data], [queryOpts], { ...queryOpts, readOnly, isolationLevel: level })
      .catch(rethrow)) as FullQueryResults<boolean>[];
    result = batch[0];
  }
  const rows = result.rows as unknown as R[];
  return {
    rows: transform ? transform(rows) : (rows as unknown as T[]),
    fields: result.fields,
    summary: {
      command: result.command || null,
      rowCount: result.rowCount ?? null,
      notices: [],
      timings: { sent: sentFrom + (result.timings?.requestSent ?? 0), done: performance.now() - start },
    },
  };
}
