/**
 * Managed transactions with automatic retry (neo4j's `executeWrite` model, mapped onto Postgres).
 *
 * `runTransaction(provider, fn, options)` takes a connection from the provider, sends one BEGIN
 * (isolation level, access mode, deferrable, and `SET LOCAL statement_timeout` in the same round
 * trip), runs `fn(tx)`, and COMMITs; on an error it ROLLBACKs. The WHOLE function is re-run, after
 * an exponential backoff with jitter, while the total time stays within `maxRetryTimeMs`, when:
 *
 * - the server reports 40001 (serialization_failure) or 40P01 (deadlock_detected);
 * - the connection was lost before COMMIT was sent (the server rolled back) and the provider can
 *   give a fresh connection (a Pool can; a lone Client cannot, so the error is thrown);
 * - the connection was lost while COMMIT was in flight (`CommitUnknownError`), only when the caller
 *   declared the function `idempotent: true` (and the provider can reconnect).
 *
 * Everything else is thrown at once. Nested `tx.transaction(fn)` uses SAVEPOINTs and is never
 * retried on its own: its error propagates to the enclosing function, which decides.
 */
import {
  AbortError,
  ConfigError,
  ConnectionError,
  type EdgePgErrorCode,
  TimeoutError,
  UsageError,
} from '../core/errors.js';
import type { Result } from '../core/result.js';
import type { Client, QueryConfig } from './client.js';

/** SQL spellings and Neon's (`@neondatabase/serverless` `transaction()` option) spellings. */
export type IsolationLevel =
  | 'read uncommitted'
  | 'read committed'
  | 'repeatable read'
  | 'serializable'
  | 'ReadUncommitted'
  | 'ReadCommitted'
  | 'RepeatableRead'
  | 'Serializable';

export interface TransactionOptions {
  /** Isolation level of the BEGIN; the server's default (`default_transaction_isolation`) if unset. */
  isolationLevel?: IsolationLevel;
  /** `READ ONLY` (true) or `READ WRITE` (false); the server's default if unset. */
  readOnly?: boolean;
  /** `DEFERRABLE` (true) or `NOT DEFERRABLE` (false); only meaningful for serializable read-only. */
  deferrable?: boolean;
  /** `SET LOCAL statement_timeout` for every statement of the transaction (ms, > 0). */
  timeoutMs?: number;
  /** Checked before each attempt's BEGIN and during backoff waits: rejects with `AbortError`. */
  signal?: AbortSignal;
  /** Total time budget for retries (ms). Default 30 000. `0` disables retries. */
  maxRetryTimeMs?: number;
  /** First backoff delay (ms). Default 1 000. */
  initialRetryDelayMs?: number;
  /** Factor applied to the delay after each retry. Default 2. */
  retryDelayMultiplier?: number;
  /** Relative jitter on each delay, 0 ≤ j < 1 (0.2 = ±20 %). Default 0.2. */
  retryDelayJitter?: number;
  /** Retry after a connection loss during COMMIT (`CommitUnknownError`). Default false. */
  idempotent?: boolean;
}

/** The connection was lost while COMMIT was in flight: the transaction may or may not have committed. */
export class CommitUnknownError extends ConnectionError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    (this as { code: EdgePgErrorCode }).code = 'EDGEPG_COMMIT_UNKNOWN';
  }
}

/** A connection for one attempt, with what to do with it afterwards. */
export interface TransactionLease {
  readonly client: Client;
  /** `err`/`true`: the connection is broken or in an unknown state (a Pool destroys it). */
  release(err?: Error | boolean): void;
}

export interface ConnectionProvider {
  acquire(): Promise<TransactionLease>;
  /** Whether `acquire()` after a connection loss gives a new, working connection. */
  readonly reconnects: boolean;
}

export type TransactionFunction<T> = (tx: Transaction) => Promise<T> | T;

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
/** Connection exceptions, and shutdowns that end the session (the transaction is rolled back). */
const CONNECTION_LOSS_SQLSTATES = new Set([
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '57P01',
  '57P02',
  '57P03',
]);
/** During COMMIT these also leave the outcome unknown. */
const COMMIT_UNKNOWN_SQLSTATES = new Set([...CONNECTION_LOSS_SQLSTATES, '08007', '40003']);
const SOCKET_ERRNOS = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the error means the connection is gone (so the server rolled back any open transaction). */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof CommitUnknownError) return false;
  if (err instanceof ConnectionError) return true;
  const code = codeOf(err);
  return code !== undefined && (CONNECTION_LOSS_SQLSTATES.has(code) || SOCKET_ERRNOS.has(code));
}

/** Whether the server asked for the transaction to be re-run (40001, 40P01). */
export function isRetryableSqlState(err: unknown): boolean {
  const code = codeOf(err);
  return code !== undefined && RETRYABLE_SQLSTATES.has(code);
}

const ISOLATION_SQL: Record<IsolationLevel, string> = {
  'read uncommitted': 'READ UNCOMMITTED',
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

interface Resolved {
  begin: string;
  signal: AbortSignal | undefined;
  maxRetryTimeMs: number;
  initialRetryDelayMs: number;
  retryDelayMultiplier: number;
  retryDelayJitter: number;
  idempotent: boolean;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ConfigError(`Transaction option ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return value;
}

function resolveOptions(options: TransactionOptions = {}): Resolved {
  const modes: string[] = [];
  if (options.isolationLevel !== undefined) {
    const sql = Object.hasOwn(ISOLATION_SQL, options.isolationLevel)
      ? ISOLATION_SQL[options.isolationLevel]
      : undefined;
    if (!sql) throw new ConfigError(`Unknown isolationLevel: ${String(options.isolationLevel)}`);
    modes.push(`ISOLATION LEVEL ${sql}`);
  }
  if (options.readOnly !== undefined) modes.push(options.readOnly ? 'READ ONLY' : 'READ WRITE');
  if (options.deferrable !== undefined) modes.push(options.deferrable ? 'DEFERRABLE' : 'NOT DEFERRABLE');
  let begin = modes.length ? `BEGIN ${modes.join(', ')}` : 'BEGIN';
  if (options.timeoutMs !== undefined) {
    const ms = options.timeoutMs;
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0) {
      throw new ConfigError(`Transaction option timeoutMs must be a positive integer, got ${String(ms)}`);
    }
    begin += `; SET LOCAL statement_timeout = ${ms}`;
  }
  const jitter = nonNegative('retryDelayJitter', options.retryDelayJitter, 0.2);
  if (jitter >= 1) throw new ConfigError('Transaction option retryDelayJitter must be < 1');
  return {
    begin,
    signal: options.signal,
    maxRetryTimeMs: nonNegative('maxRetryTimeMs', options.maxRetryTimeMs, 30_000),
    initialRetryDelayMs: nonNegative('initialRetryDelayMs', options.initialRetryDelayMs, 1_000),
    retryDelayMultiplier: nonNegative('retryDelayMultiplier', options.retryDelayMultiplier, 2),
    retryDelayJitter: jitter,
    idempotent: options.idempotent === true,
  };
}

function abortError(signal: AbortSignal, cause?: unknown): AbortError {
  return new AbortError('The transaction was aborted', { cause: cause ?? signal.reason });
}

function sleep(ms: number, signal: AbortSignal | undefined, lastError: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError('The transaction was aborted while waiting to retry', { cause: lastError }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Serialises nested `tx.transaction()` calls on one level (savepoints must not interleave). */
class Chain {
  #tail: Promise<unknown> = Promise.resolve();
  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(task, task);
    this.#tail = next.catch(() => {});
    return next;
  }
}

/** What `fn` receives: queries run inside the transaction (or savepoint). */
export class Transaction {
  /** The connection the transaction runs on (for submittables such as pg-cursor). */
  readonly client: Client;
  /** 1 for the first run of the function, 2 for the first retry, … (nested: the root's attempt). */
  readonly attempt: number;
  /** 0 for the transaction itself, 1 for a savepoint inside it, … */
  readonly depth: number;
  /** The caller's signal, so `fn` can stop long work itself. */
  readonly signal: AbortSignal | undefined;
  #open = true;
  #lastError: unknown;
  readonly #chain = new Chain();
  readonly #savepoints: { next: number };

  /** @internal */
  constructor(
    client: Client,
    attempt: number,
    depth: number,
    signal: AbortSignal | undefined,
    savepoints: { next: number },
  ) {
    this.client = client;
    this.attempt = attempt;
    this.depth = depth;
    this.signal = signal;
    this.#savepoints = savepoints;
  }

  /** Whether queries can still be issued through this object. */
  get active(): boolean {
    return this.#open;
  }

  // biome-ignore lint/suspicious/noExplicitAny: pg's default row type
  query<R = any>(config: string | QueryConfig, values?: unknown[]): Promise<Result<R>> {
    if (!this.#open) {
      return Promise.reject(
        new UsageError('The transaction has finished: queries can no longer run through it'),
      );
    }
    return this.client.query<R>(config, values).catch((err: unknown) => {
      this.#lastError = err;
      throw err;
    });
  }

  /**
   * Runs `fn` inside a SAVEPOINT: RELEASE on success, ROLLBACK TO on error (then rethrown). Never
   * retried on its own; nested calls on one transaction run one after another.
   */
  transaction<T>(fn: TransactionFunction<T>): Promise<T> {
    if (!this.#open) {
      return Promise.reject(new UsageError('The transaction has finished: no savepoint can be opened'));
    }
    return this.#chain.run(() => this.#savepoint(fn));
  }

  async #savepoint<T>(fn: TransactionFunction<T>): Promise<T> {
    const name = `edgepg_sp_${this.#savepoints.next++}`;
    await this.query(`SAVEPOINT ${name}`);
    const inner = new Transaction(this.client, this.attempt, this.depth + 1, this.signal, this.#savepoints);
    try {
      const result = await fn(inner);
      inner.#close();
      try {
        await this.client.query(`RELEASE SAVEPOINT ${name}`);
      } catch (err) {
        // 25P02: `fn` swallowed an error of its own; report that one.
        throw codeOf(err) === '25P02' && inner.#lastError !== undefined ? inner.#lastError : err;
      }
      return result;
    } catch (err) {
      inner.#close();
      if (!isConnectionLoss(err)) {
        try {
          await this.client.query(`ROLLBACK TO SAVEPOINT ${name}; RELEASE SAVEPOINT ${name}`);
        } catch (rollbackError) {
          // The enclosing transaction is unusable now; its own next statement reports it.
          this.#lastError = rollbackError;
        }
      }
      throw err;
    }
  }

  #close(): void {
    this.#open = false;
  }

  /** @internal: ends the root transaction object and returns the last error a query reported. */
  static finish(tx: Transaction): unknown {
    tx.#close();
    return tx.#lastError;
  }
}

/** One run of the function on one connection: BEGIN, fn, COMMIT (or ROLLBACK). */
async function attemptOnce<T>(
  provider: ConnectionProvider,
  fn: TransactionFunction<T>,
  options: Resolved,
  attempt: number,
): Promise<T> {
  const lease = await provider.acquire();
  const { client } = lease;
  if (options.signal?.aborted) {
    lease.release();
    throw abortError(options.signal);
  }
  const status = client.getTransactionStatus?.();
  if (status === 'T' || status === 'E') {
    lease.release();
    throw new UsageError(
      'The connection is already inside a transaction: use tx.transaction() for nesting, or finish the open transaction first',
    );
  }
  const tx = new Transaction(client, attempt, 0, options.signal, { next: 1 });
  let result: T;
  try {
    await client.query(options.begin);
    result = await fn(tx);
  } catch (err) {
    Transaction.finish(tx);
    if (isConnectionLoss(err)) {
      lease.release(err instanceof Error ? err : true);
      throw err;
    }
    try {
      await client.query('ROLLBACK');
      lease.release();
    } catch (rollbackError) {
      lease.release(rollbackError instanceof Error ? rollbackError : true);
    }
    throw err;
  }
  const lastError = Transaction.finish(tx);
  let committed: Result;
  try {
    committed = await client.query('COMMIT');
  } catch (err) {
    const code = codeOf(err);
    if (
      err instanceof ConnectionError ||
      err instanceof TimeoutError ||
      (code !== undefined && (COMMIT_UNKNOWN_SQLSTATES.has(code) || SOCKET_ERRNOS.has(code)))
    ) {
      lease.release(err instanceof Error ? err : true);
      throw new CommitUnknownError(
        'The connection was lost while COMMIT was in flight: the transaction may or may not have committed',
        { cause: err },
      );
    }
    // A server error on COMMIT (e.g. a deferred constraint, or 40001 under SERIALIZABLE): rolled back.
    lease.release();
    throw err;
  }
  lease.release();
  if (committed.command === 'ROLLBACK') {
    // The function swallowed a failed statement, so Postgres turned COMMIT into ROLLBACK.
    throw (
      lastError ?? new UsageError('The transaction was aborted by an earlier error, so COMMIT rolled it back')
    );
  }
  return result;
}

/**
 * Runs `fn` in a managed transaction on connections from `provider`, re-running it on
 * serialization failures, deadlocks and (when the provider reconnects) connection losses.
 * Resolves with `fn`'s result once COMMIT succeeded.
 */
export async function runTransaction<T>(
  provider: ConnectionProvider,
  fn: TransactionFunction<T>,
  options?: TransactionOptions,
): Promise<T> {
  if (typeof fn !== 'function') throw new UsageError('transaction() needs a function');
  const resolved = resolveOptions(options);
  const { signal } = resolved;
  const startedAt = Date.now();
  let delay = resolved.initialRetryDelayMs;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(signal);
    try {
      return await attemptOnce(provider, fn, resolved, attempt);
    } catch (err) {
      const retryable =
        isRetryableSqlState(err) ||
        (provider.reconnects && isConnectionLoss(err)) ||
        (provider.reconnects && resolved.idempotent && err instanceof CommitUnknownError);
      if (!retryable) throw err;
      const jitter = resolved.retryDelayJitter * (2 * Math.random() - 1);
      const wait = Math.max(0, Math.round(delay * (1 + jitter)));
      if (Date.now() - startedAt + wait > resolved.maxRetryTimeMs) throw err;
      await sleep(wait, signal, err);
      delay *= resolved.retryDelayMultiplier;
    }
  }
}

/** Transactions on one Client run one after another (each attempt holds the connection). */
const clientLocks = new WeakMap<Client, Promise<void>>();

/** A lone Client: the client itself; after a connection loss there is nothing to retry on. */
export function clientConnectionProvider(client: Client): ConnectionProvider {
  return {
    reconnects: false,
    async acquire() {
      const previous = clientLocks.get(client) ?? Promise.resolve();
      let unlock!: () => void;
      const mine = new Promise<void>((resolve) => {
        unlock = resolve;
      });
      const tail = previous.then(() => mine);
      clientLocks.set(client, tail);
      await previous;
      let released = false;
      return {
        client,
        release() {
          if (released) return;
          released = true;
          if (clientLocks.get(client) === tail) clientLocks.delete(client);
          unlock();
        },
      };
    },
  };
}

/** What a Pool must offer: exclusive checkout with pg-pool's `release(err | true)`. */
export interface CheckoutPool {
  connect(): Promise<Client & { release(err?: Error | boolean): void }>;
}

/** A Pool: each attempt checks out a connection; a broken one is destroyed and the next is fresh. */
export function poolConnectionProvider(pool: CheckoutPool): ConnectionProvider {
  return {
    reconnects: true,
    async acquire() {
      const client = await pool.connect();
      return { client, release: (err) => client.release(err) };
    },
  };
}
