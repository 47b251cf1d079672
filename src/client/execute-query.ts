/**
 * `executeQuery(text, params, options)`: neo4j's one-shot `driver.executeQuery()` mapped onto
 * Postgres. Returns the rows with a summary (command tag, row count, the notices the server raised
 * during the query, client-side timings). With `readOnly` or `isolationLevel` the query runs in a
 * managed transaction (`client.transaction` / `pool.transaction`, so 40001/40P01 are retried).
 *
 * Notices are collected from the connection's `notice` events between sending the query and its
 * completion: on a Client shared by concurrent (pipelined) queries, notices of those other
 * queries can be attributed too. On a Pool the query runs on a checked-out connection, so they
 * cannot.
 *
 * `client.query()` of a multi-statement text resolves to one result per statement; the summary
 * then describes the LAST statement and `rows`/`fields` are the last statement's.
 */
import type { NoticeMessage } from 'pg-protocol/dist/messages.js';
import type { FieldDef, QueryResultRow, Result } from '../core/result.js';
import type { Pool } from '../pool/pool.js';
import type { Client } from './client.js';
import type { IsolationLevel, TransactionOptions } from './transaction.js';

// biome-ignore lint/suspicious/noExplicitAny: rows hold whatever the type parsers return, as in @types/pg
export interface ExecuteQueryOptions<R extends QueryResultRow = any, T = R> {
  /** Run inside `BEGIN READ ONLY` (true) or `READ WRITE` (false). */
  readOnly?: boolean;
  /** Run inside a transaction with this isolation level. */
  isolationLevel?: IsolationLevel;
  /** Maps the rows before they are returned. */
  transform?: (rows: R[]) => T[];
}

export interface QueryTimings {
  /** ms from the call until the query was handed to the connection (after checkout/BEGIN). */
  sent: number;
  /** ms until the first row arrived; not observed at present (always undefined). */
  firstRow?: number;
  /** ms from the call until the result was complete. */
  done: number;
}

export interface QuerySummary {
  /** The command tag's verb (`SELECT`, `INSERT`, …), as `result.command`. */
  command: string | null;
  /** Rows returned or affected, as `result.rowCount`. */
  rowCount: number | null;
  /** NoticeResponses (RAISE NOTICE/WARNING, …) the server sent while the query ran. */
  notices: NoticeMessage[];
  timings: QueryTimings;
}

// biome-ignore lint/suspicious/noExplicitAny: see ExecuteQueryOptions
export interface EagerResult<T = any> {
  rows: T[];
  fields: FieldDef[];
  summary: QuerySummary;
}

/** The parts of a connection `executeQuery` needs: `query` (Client or Transaction) and notices. */
interface Runner {
  query(text: string, values?: unknown[]): Promise<Result>;
}

async function runOnce<R extends QueryResultRow, T>(
  client: Client,
  runner: Runner,
  text: string,
  params: unknown[] | undefined,
  options: ExecuteQueryOptions<R, T>,
  start: number,
): Promise<EagerResult<T>> {
  const notices: NoticeMessage[] = [];
  const onNotice = (message: NoticeMessage): void => {
    notices.push(message);
  };
  client.on('notice', onNotice);
  let sent: number;
  let outcome: Result | Result[];
  try {
    sent = performance.now() - start;
    outcome = await runner.query(text, params);
  } finally {
    client.off('notice', onNotice);
  }
  const done = performance.now() - start;
  const result = Array.isArray(outcome) ? (outcome[outcome.length - 1] as Result) : outcome;
  const rows = (result?.rows ?? []) as R[];
  return {
    rows: options.transform ? options.transform(rows) : (rows as unknown as T[]),
    fields: result?.fields ?? [],
    summary: {
      command: result?.command ?? null,
      rowCount: result?.rowCount ?? null,
      notices,
      timings: { sent, done },
    },
  };
}

function transactionOptions(
  options: ExecuteQueryOptions<QueryResultRow, unknown>,
): TransactionOptions | undefined {
  if (options.readOnly === undefined && options.isolationLevel === undefined) return undefined;
  const tx: TransactionOptions = {};
  if (options.readOnly !== undefined) tx.readOnly = options.readOnly;
  if (options.isolationLevel !== undefined) tx.isolationLevel = options.isolationLevel;
  return tx;
}

/** `client.executeQuery()`. */
// biome-ignore lint/suspicious/noExplicitAny: see ExecuteQueryOptions
export function clientExecuteQuery<R extends QueryResultRow = any, T = R>(
  client: Client,
  text: string,
  params?: unknown[],
  options: ExecuteQueryOptions<R, T> = {},
): Promise<EagerResult<T>> {
  const start = performance.now();
  const tx = transactionOptions(options as ExecuteQueryOptions<QueryResultRow, unknown>);
  if (!tx) return runOnce(client, client, text, params, options, start);
  return client.transaction((t) => runOnce(t.client, t, text, params, options, start), tx);
}

/** `pool.executeQuery()`: on a checked-out connection (so the notices are this query's own). */
// biome-ignore lint/suspicious/noExplicitAny: see ExecuteQueryOptions
export async function poolExecuteQuery<R extends QueryResultRow = any, T = R>(
  pool: Pool,
  text: string,
  params?: unknown[],
  options: ExecuteQueryOptions<R, T> = {},
): Promise<EagerResult<T>> {
  const start = performance.now();
  const tx = transactionOptions(options as ExecuteQueryOptions<QueryResultRow, unknown>);
  if (tx) return pool.transaction((t) => runOnce(t.client, t, text, params, options, start), tx);
  const client = await pool.connect();
  try {
    const result = await runOnce(client, client, text, params, options, start);
    client.release();
    return result;
  } catch (error) {
    // A server error leaves the connection usable; anything else (socket loss, timeout) may not.
    client.release(isServerError(error) ? undefined : (error as Error));
    throw error;
  }
}

function isServerError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08');
}
