/**
 * `sql.begin(fn, options)`: an interactive transaction from the HTTP query function. Loaded by
 * `import()` at the first call (./extensions.ts), because it needs `Client` and the WebSocket
 * transport, which plain `neon()` users should not download.
 *
 * One call opens ONE WebSocket session with `neon()`'s connection string (connection parameters
 * resolved as for an HTTP query) and closes it when done. The transaction itself is the Client's
 * managed transaction (`runTransaction`): BEGIN with the isolation options, `fn`, COMMIT or
 * ROLLBACK, and the whole function re-run on 40001/40P01 with backoff within `maxRetryTimeMs`.
 *
 * Results are shaped by the HTTP path's own `processQueryResult`: the session asks for the rows as
 * raw text arrays with the extended protocol (one statement per query, as Neon's proxy runs them),
 * builds the object the `/sql` endpoint would have sent, and parses that. So `arrayMode`,
 * `fullResults` and `types` give exactly what `sql` gives, and errors are `NeonDbError`s with
 * the fields the HTTP response would carry.
 */
import { Client } from '../client/client.js';
import {
  CommitUnknownError,
  type ConnectionProvider,
  runTransaction,
  type Transaction,
} from '../client/transaction.js';
import { DatabaseError } from '../core/database-error.js';
import { AbortError, ConfigError, ConnectionError, UsageError } from '../core/errors.js';
import type { Result } from '../core/result.js';
import { MAX_TIMER_MS } from '../core/timer-limit.js';
import type { CustomTypesConfig } from '../core/types.js';
import { unlessAborted } from '../transport/transport.js';
import type { NeonContext } from './extensions.js';
import { templateOnly } from './neon.js';
import { errorFields, NeonDbError, wrapError } from './neon-db-error.js';
import { type RequestOptions, requestOptions, resultOptions } from './options.js';
import { NeonQueryPromise } from './query-promise.js';
import { prepareQuery } from './request.js';
import { processQueryResult } from './response.js';
import type { BeginCallback, BeginOptions, NeonTransactionQueryFunction } from './session-types.js';
import { SqlTemplate, UnsafeRawSql } from './sql-template.js';
import type { HTTPQueryOptions, HTTPTransactionOptions, ParameterizedQuery } from './types.js';

type AnyQueryOptions = HTTPQueryOptions<boolean, boolean>;
type AnyBeginOptions = BeginOptions<boolean, boolean>;

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Every column as the server's text, so `processQueryResult` parses it as it parses `/sql` JSON. */
const rawText: CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/**
 * Each server error's `NeonDbError`, so that the error `fn` saw and the one `begin` rejects with
 * (the transaction reports the failed statement's error when COMMIT turned into ROLLBACK) are
 * one object.
 */
const converted = new WeakMap<DatabaseError, NeonDbError>();

/** A server error as the HTTP path reports it: the message and the 16 fields, no `sourceError`. */
function fromDatabaseError(error: DatabaseError): NeonDbError {
  let neonError = converted.get(error);
  if (neonError) return neonError;
  neonError = new NeonDbError(error.message);
  for (const field of errorFields) neonError[field] = error[field] ?? undefined;
  converted.set(error, neonError);
  return neonError;
}

/**
 * Errors of the session in `neon()`'s terms: server errors and lost or refused connections become
 * `NeonDbError`s, as over HTTP; edgepg's own (`TimeoutError`, `AbortError`, `UsageError`,
 * `CommitUnknownError`, …) stay what they are, as the HTTP path's abort and timeout errors do.
 */
function toNeonError(error: unknown): unknown {
  if (error instanceof DatabaseError) return fromDatabaseError(error);
  if (error instanceof ConnectionError && !(error instanceof CommitUnknownError)) {
    return wrapError(`Error connecting to database: ${error.message}`, error);
  }
  return error;
}

/** One query on the open transaction, returned as `sql` would return it. */
async function runQuery(
  transaction: Transaction,
  data: SqlTemplate | ParameterizedQuery,
  request: RequestOptions,
  opts: AnyQueryOptions | undefined,
): Promise<unknown> {
  // The parameters are encoded as for the HTTP body (strings, bytea as hex text), so both paths
  // send the server the same text.
  const { query, params } = prepareQuery(data);
  let result: Result;
  try {
    result = (await transaction.query({
      text: query,
      values: params,
      rowMode: 'array',
      types: rawText,
      queryMode: 'extended',
    })) as Result;
  } catch (error) {
    throw toNeonError(error);
  }
  const raw = {
    // The endpoint's seven keys, in its order.
    fields: result.fields.map((f) => ({
      name: f.name,
      dataTypeID: f.dataTypeID,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: 'text',
    })),
    rows: result.rows,
    // An empty query has no command tag: the endpoint sends "" (pg says null).
    command: result.command ?? '',
    rowCount: result.rowCount,
    rowAsArray: true,
  };
  return processQueryResult(raw, resultOptions(request, opts));
}

/** The `tx` function: `sql`'s calling conventions, bound to one open transaction. */
function transactionFunction(
  transaction: Transaction,
  request: RequestOptions,
): NeonTransactionQueryFunction<boolean, boolean> {
  const execute = (data: unknown, opts?: unknown) =>
    runQuery(
      transaction,
      data as SqlTemplate | ParameterizedQuery,
      request,
      opts as AnyQueryOptions | undefined,
    );
  const tx = ((strings: TemplateStringsArray, ...values: unknown[]) => {
    if (!(Array.isArray(strings) && Array.isArray((strings as { raw?: unknown }).raw))) {
      throw new UsageError(templateOnly);
    }
    return new NeonQueryPromise(execute, new SqlTemplate(strings, values));
  }) as NeonTransactionQueryFunction<boolean, boolean>;
  tx.query = ((query: string, params?: unknown[], opts?: AnyQueryOptions) =>
    new NeonQueryPromise(execute, { query, params: params ?? [] }, opts)) as typeof tx.query;
  tx.unsafe = (rawSQL: string) => new UnsafeRawSql(rawSQL);
  Object.defineProperty(tx, 'attempt', { value: transaction.attempt, enumerable: true });
  return tx;
}

function connectTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_CONNECT_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMER_MS) {
    throw new ConfigError(
      `begin() option connectionTimeoutMillis must be a number > 0 and <= ${MAX_TIMER_MS}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The one session of a `begin()` call: connected at the first attempt, kept for the retries.
 * The signal stops the wait for the connection too (begin's `finally` then closes the socket),
 * not only the attempts after it: a hung proxy would otherwise hold an aborted `begin` for the
 * whole `connectionTimeoutMillis`.
 */
function sessionProvider(client: Client, signal: AbortSignal | undefined): ConnectionProvider {
  let connected: Promise<unknown> | undefined;
  return {
    reconnects: false,
    async acquire() {
      connected ??= client.connect();
      try {
        await unlessAborted(signal, connected, () => {});
      } catch (error) {
        if (signal?.aborted && error === signal.reason) {
          throw new AbortError('The transaction was aborted', { cause: signal.reason });
        }
        throw error;
      }
      return { client, release() {} };
    },
  };
}

export async function begin<T>(
  context: NeonContext,
  fn: BeginCallback<T, boolean, boolean>,
  options?: AnyBeginOptions,
): Promise<T> {
  if (typeof fn !== 'function') {
    throw new UsageError('begin() needs a function: sql.begin(async (tx) => { … })');
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new UsageError('begin() options must be an object');
  }
  const level = (options ?? {}) as HTTPTransactionOptions<boolean, boolean>;
  const request = requestOptions(context.instance, level, undefined);
  if (request.authToken !== undefined) {
    throw new ConfigError(
      'begin() runs over a WebSocket session, which cannot carry an authToken (an HTTP Authorization header): authenticate with the connection string password instead',
    );
  }
  const connectionTimeoutMillis = connectTimeout(options?.connectionTimeoutMillis);
  const { connectionString } = await context.connection(level);
  const client = new Client({ connectionString, transport: 'websocket', connectionTimeoutMillis });
  if (options?.neonConfig) client.neonConfig = { ...options.neonConfig };
  // A session lost while idle also emits 'error' (pg's contract); the next query or COMMIT
  // reports it to the caller, so the event itself needs no handling.
  client.on('error', () => {});
  try {
    return await runTransaction(
      sessionProvider(client, request.signal),
      (transaction) => fn(transactionFunction(transaction, request)),
      {
        isolationLevel: request.isolationLevel,
        readOnly: request.readOnly,
        deferrable: request.deferrable,
        signal: request.signal,
        timeoutMs: options?.timeoutMs,
        maxRetryTimeMs: options?.maxRetryTimeMs,
        initialRetryDelayMs: options?.initialRetryDelayMs,
        retryDelayMultiplier: options?.retryDelayMultiplier,
        retryDelayJitter: options?.retryDelayJitter,
      },
    );
  } catch (error) {
    throw toNeonError(error);
  } finally {
    await client.end().catch(() => {});
  }
}
