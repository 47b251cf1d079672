/**
 * `Pool`: pg-pool 3.14's contract (options, defaults, events and their order, error messages)
 * over edgepg's pipelined `Client`.
 *
 * How connections are shared:
 *
 * - `pool.connect()` checks a connection out EXCLUSIVELY: until `release()` nothing else runs
 *   on it, so `BEGIN … COMMIT`, session settings, cursors and `LISTEN` behave exactly as in pg.
 * - `pool.query()` does not check a connection out. It runs on the least-loaded connection that
 *   is not checked out: an idle one, else a new one while the pool is below `max`, else one that
 *   already has `pool.query()` calls in flight, up to `maxPipeline` (default 100) per connection.
 *   Beyond that it waits, in order. So many concurrent `pool.query()` calls share a few
 *   connections at pipelined throughput, each with its own Sync and its own result or error.
 * - A server error fails only its own query: the connection stays in the pool (pg-pool destroys
 *   it). A connection error (socket loss, fatal server error) removes the connection, and fails
 *   only the queries that were in flight on it.
 * - `pool.connect()` waiters are served first: while one waits and the pool is full, the
 *   least-loaded shared connection takes no new queries, drains, and is handed to the waiter.
 * - Every `pool.query()` emits `acquire` and `release` (`null` or its error) and counts as one use
 *   for `maxUses`; a connection past `maxUses` or `maxLifetimeSeconds` takes no new queries and
 *   closes once its last one finishes.
 */
import type { Client, QueryCallback, QueryConfig } from '../client/client.js';
import { Client as EdgeClient } from '../client/client.js';
import { type EagerResult, type ExecuteQueryOptions, poolExecuteQuery } from '../client/execute-query.js';
import { type Listener, type NotificationHandler, notifyQuery } from '../client/listen.js';
import {
  poolServerInfo,
  type ServerInfo,
  type VerifyConnectivityOptions,
  verifyPoolConnectivity,
} from '../client/server-info.js';
import { isSubmittable } from '../client/submittable.js';
import {
  poolConnectionProvider,
  runTransaction,
  type TransactionFunction,
  type TransactionOptions,
} from '../client/transaction.js';
import { EventEmitter } from '../core/emitter.js';
import { TimeoutError, UsageError } from '../core/errors.js';
import { neonConfig } from '../core/neon-config.js';
import type { QueryResultRow, Result } from '../core/result.js';
import { PoolListener } from './listener.js';
import { Member, type PoolClient } from './member.js';
import {
  type ClientClass,
  type NormalisedPoolOptions,
  normaliseOptions,
  type PoolConfig,
  unrefTimer,
} from './options.js';
import { queryViaFetch } from './via-fetch.js';

export type { PoolClient } from './member.js';
export type { ClientClass, PoolConfig } from './options.js';

type ConnectCallback = (
  err: Error | undefined,
  client?: PoolClient,
  release?: (err?: Error | boolean) => void,
) => void;

/** A `pool.connect()` call waiting for a connection. */
interface Waiter {
  callback: ConnectCallback;
  timedOut: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

/** A `pool.query()` call waiting for a connection. */
interface QueuedQuery {
  text: string | QueryConfig;
  values: unknown[] | undefined;
  callback: QueryCallback;
  timer?: ReturnType<typeof setTimeout>;
  dispatched?: boolean;
}

const ENDED = 'Cannot use a pool after calling end on the pool';

export class Pool extends EventEmitter {
  readonly options: NormalisedPoolOptions;
  readonly Client: ClientClass;
  log: (...messages: unknown[]) => void;
  ending = false;
  ended = false;
  /** Every connection, connecting ones included (pg-pool's internals, kept for introspection). */
  _clients: PoolClient[] = [];
  _idle: Member[] = [];
  _pendingQueue: Waiter[] = [];
  _expired = new WeakSet<Client>();

  readonly #members = new Map<Client, Member>();
  #queries: QueuedQuery[] = [];
  readonly #depth: number;
  #closing = 0;
  #endPromise: Promise<void> | undefined;
  #resolveEnd: (() => void) | undefined;
  /** A listener other than 'error' was added: pool.query() never goes over HTTP (Neon's rule). */
  #fetchUnsupported = false;
  /** The dedicated LISTEN connection, made by the first `listen()`. */
  #listener: PoolListener | undefined;

  constructor(config?: PoolConfig, ClientCtor?: ClientClass) {
    super();
    this.options = normaliseOptions(config);
    this.log = this.options.log ?? (() => {});
    this.Client = this.options.Client ?? ClientCtor ?? (EdgeClient as ClientClass);
    this.#depth = Math.max(1, this.options.maxPipeline ?? 100);
  }

  // biome-ignore lint/suspicious/noExplicitAny: listeners take any arguments, as in Node's EventEmitter
  override on(event: string | symbol, listener: (...args: any[]) => void): this {
    if (event !== 'error') this.#fetchUnsupported = true;
    return super.on(event, listener);
  }

  get totalCount(): number {
    return this._clients.length;
  }

  get idleCount(): number {
    return this._idle.length;
  }

  /** `pool.connect()` and `pool.query()` calls waiting for a connection. */
  get waitingCount(): number {
    return this._pendingQueue.length + this.#queries.length;
  }

  get expiredCount(): number {
    return this._clients.reduce((n, client) => n + (this._expired.has(client) ? 1 : 0), 0);
  }

  connect(): Promise<PoolClient>;
  connect(callback: ConnectCallback): void;
  connect(callback?: ConnectCallback): Promise<PoolClient> | undefined {
    if (this.ending) {
      const error = new UsageError(ENDED);
      if (callback) return void callback(error);
      return Promise.reject(error);
    }
    const response = promisify<PoolClient>(callback);
    const waiter: Waiter = { callback: response.callback, timedOut: false };
    if (!this.#isFull() && this._idle.length === 0) {
      this.#newClient(waiter);
      return response.result;
    }
    // pg-pool hands idle clients out on the next tick, after the caller's synchronous code.
    if (this._idle.length) queueMicrotask(() => this.#pulse());
    const timeoutMs = this.options.connectionTimeoutMillis;
    if (timeoutMs) {
      waiter.timer = setTimeout(() => {
        removeItem(this._pendingQueue, waiter);
        waiter.timedOut = true;
        response.callback(new TimeoutError('timeout exceeded when trying to connect'));
      }, timeoutMs);
      unrefTimer(waiter.timer);
    }
    this._pendingQueue.push(waiter);
    if (this._idle.length === 0) this.#reserve();
    return response.result;
  }

  // biome-ignore lint/suspicious/noExplicitAny: row type defaults to any, as in @types/pg
  query<R = any>(config: string | QueryConfig, values?: unknown[]): Promise<Result<R>>;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  query<R = any>(config: string | QueryConfig, callback: QueryCallback<R>): void;
  // biome-ignore lint/suspicious/noExplicitAny: see above
  query<R = any>(
    config: string | QueryConfig,
    values: unknown[] | undefined,
    callback: QueryCallback<R>,
  ): void;
  query(
    text: string | QueryConfig,
    valuesOrCallback?: unknown[] | QueryCallback,
    maybeCallback?: QueryCallback,
  ): Promise<Result> | undefined {
    if (typeof text === 'function') {
      const fn = text as QueryCallback;
      const error = new UsageError(
        'Passing a function as the first parameter to pool.query is not supported',
      );
      setTimeout(() => fn(error, undefined as unknown as Result), 0);
      return undefined;
    }
    const values = typeof valuesOrCallback === 'function' ? undefined : valuesOrCallback;
    const cb = typeof valuesOrCallback === 'function' ? valuesOrCallback : maybeCallback;
    const response = promisify<Result>(cb);
    const callback = response.callback as QueryCallback;
    if (neonConfig.poolQueryViaFetch && !this.#fetchUnsupported) {
      queryViaFetch(this.options, text, values, callback);
      return response.result;
    }
    if (this.ending) {
      callback(new UsageError(ENDED), undefined as unknown as Result);
      return response.result;
    }
    if (text !== null && text !== undefined && isSubmittable(text)) {
      const error = new UsageError(
        'pool.query() does not take Submittables (cursors, streams): check a client out with pool.connect()',
      );
      queueMicrotask(() => callback(error, undefined as unknown as Result));
      return response.result;
    }
    const item: QueuedQuery = { text, values, callback };
    this.#queries.push(item);
    this.#pulse();
    const timeoutMs = this.options.connectionTimeoutMillis;
    if (timeoutMs && !item.dispatched) {
      item.timer = setTimeout(() => {
        if (!removeItem(this.#queries, item)) return;
        callback(new TimeoutError('timeout exceeded when trying to connect'), undefined as unknown as Result);
      }, timeoutMs);
      unrefTimer(item.timer);
    }
    return response.result;
  }

  /**
   * Runs `fn` in a managed transaction on a checked-out connection (BEGIN … COMMIT, ROLLBACK on
   * error), re-running it on 40001/40P01 and, on a fresh connection, after a connection loss.
   */
  transaction<T>(fn: TransactionFunction<T>, options?: TransactionOptions): Promise<T> {
    return runTransaction(poolConnectionProvider(this), fn, options);
  }

  /** Checks a connection out, runs `select 1`, releases it, within `timeoutMs` (default 10 s). */
  verifyConnectivity(options?: VerifyConnectivityOptions): Promise<void> {
    return verifyPoolConnectivity(this, options);
  }

  /** Server version, backend pid and startup parameters, through a checked-out connection. */
  getServerInfo(): Promise<ServerInfo> {
    return poolServerInfo(this);
  }

  /** One query on a checked-out connection, with a summary; see client/execute-query.ts. */
  // biome-ignore lint/suspicious/noExplicitAny: rows hold whatever the type parsers return, as in @types/pg
  executeQuery<R extends QueryResultRow = any, T = R>(
    text: string,
    params?: unknown[],
    options?: ExecuteQueryOptions<R, T>,
  ): Promise<EagerResult<T>> {
    return poolExecuteQuery(this, text, params, options);
  }

  /**
   * LISTENs on `channel` over one dedicated connection (outside `max`) that reconnects and
   * LISTENs again when it is lost; see listener.ts. Resolves once the LISTEN ran.
   */
  listen(channel: string, onNotify: NotificationHandler): Promise<Listener> {
    if (this.ending) return Promise.reject(new UsageError(ENDED));
    this.#listener ??= new PoolListener(
      () => new this.Client(this.options),
      (error) => this.emit('error', error),
    );
    return this.#listener.listen(channel, onNotify);
  }

  /** `pg_notify(channel, payload)` through `pool.query()`, parameterised. */
  async notify(channel: string, payload?: string): Promise<void> {
    const { text, values } = notifyQuery(channel, payload);
    await this.query(text, values);
  }

  /**
   * Closes idle connections now and the others once released (and their `pool.query()` calls
   * finished). Unlike pg-pool, calling it again returns the same promise instead of failing, and
   * callers still waiting for a connection are failed with pg's "Cannot use a pool…" error.
   */
  end(): Promise<void>;
  end(callback: (err?: Error) => void): void;
  end(callback?: (err?: Error) => void): Promise<void> | undefined {
    this.log('ending');
    if (!this.#endPromise) {
      this.ending = true;
      const closed = new Promise<void>((resolve) => {
        this.#resolveEnd = resolve;
      });
      const listener = this.#listener;
      this.#endPromise = listener ? Promise.all([closed, listener.end()]).then(() => {}) : closed;
      this.#pulse();
    }
    if (!callback) return this.#endPromise;
    this.#endPromise.then(() => callback());
    return undefined;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.end();
  }

  #isFull(): boolean {
    return this._clients.length >= this.options.max;
  }

  #isAboveMin(): boolean {
    return this._clients.length > this.options.min;
  }

  /** Opens a connection, for a `connect()` waiter or (without one) for `pool.query()` calls. */
  #newClient(waiter: Waiter | undefined): Member {
    const client = new this.Client(this.options) as PoolClient;
    const member = new Member(client, waiter ? 'connecting' : 'shared');
    this._clients.push(client);
    this.#members.set(client, member);
    client.on('error', (error: Error & { client?: Client }) => this.#onClientError(member, error));

    const timeoutMs = this.options.connectionTimeoutMillis ?? 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timeoutMs) {
      timer = setTimeout(() => {
        this.log('ending client due to timeout');
        member.timedOut = true;
        const cause = new TimeoutError(`Connection timed out after ${timeoutMs} ms`);
        this.#connectFailed(member, waiter, connectTimeoutError(cause));
      }, timeoutMs);
    }
    this.log('connecting new client');
    client.connect().then(
      () => {
        if (timer) clearTimeout(timer);
        // Too late: the waiter already has its error; close the connection it no longer needs.
        if (member.timedOut) return void client.end().catch(() => {});
        this.#connected(member, waiter);
      },
      (error: Error) => {
        if (timer) clearTimeout(timer);
        if (member.timedOut) return;
        // Our Client runs its own timer with the same connectionTimeoutMillis; either may fire first.
        this.#connectFailed(
          member,
          waiter,
          timeoutMs && error instanceof TimeoutError ? connectTimeoutError(error) : error,
        );
      },
    );
    return member;
  }

  #connectFailed(member: Member, waiter: Waiter | undefined, error: Error): void {
    this.log('client failed to connect', error);
    if (member.state !== 'removed') {
      member.state = 'removed';
      removeItem(this._clients, member.client);
      this.#members.delete(member.client);
    }
    member.settleReady(error);
    if (waiter?.timer) clearTimeout(waiter.timer);
    this.#pulse();
    if (waiter && !waiter.timedOut) waiter.callback(error);
  }

  #connected(member: Member, waiter: Waiter | undefined): void {
    const client = member.client;
    this.log('new client connected');
    const lifetime = this.options.maxLifetimeSeconds;
    if (lifetime) {
      const timer = setTimeout(() => this.#expire(member), lifetime * 1000);
      unrefTimer(timer);
      client.once('end', () => clearTimeout(timer));
    }
    member.announced = true;
    this.emit('connect', client);
    if (member.state === 'removed') {
      member.settleReady(new UsageError(ENDED));
      return;
    }
    if (waiter) {
      this.#acquire(member, waiter);
      return;
    }
    // The pool.query() calls already sent behind the startup are acquisitions too.
    for (let i = 0; i < member.load; i++) this.emit('acquire', client);
    member.settleReady();
  }

  #expire(member: Member): void {
    this.log('ending client due to expired lifetime');
    this._expired.add(member.client);
    const index = this._idle.indexOf(member);
    if (index < 0) return;
    // As pg-pool: check it out and release it at once, so the usual release path removes it.
    this._idle.splice(index, 1);
    member.clearIdleTimer();
    this.#acquire(member, { callback: (_err, _client, release) => release?.(), timedOut: false });
  }

  /** Hands `member` to a `connect()` waiter, exclusively. */
  #acquire(member: Member, waiter: Waiter): void {
    const client = member.client;
    member.state = 'exclusive';
    member.reserved = false;
    this.emit('acquire', client);
    let released = false;
    const release = (err?: Error | boolean): void => {
      if (released) {
        throw new UsageError('Release called on client which has already been released to the pool.');
      }
      released = true;
      this.#release(member, err);
    };
    client.release = release;
    // `await using client = await pool.connect()` releases it (a Client alone would end).
    Object.defineProperty(client, Symbol.asyncDispose, {
      configurable: true,
      writable: true,
      value: async () => {
        if (!released) release();
      },
    });
    if (waiter.timer) clearTimeout(waiter.timer);
    if (waiter.timedOut) release();
    else waiter.callback(undefined, client, release);
  }

  #release(member: Member, err: Error | boolean | undefined): void {
    const client = member.client;
    member.uses++;
    client._poolUseCount = member.uses;
    this.emit('release', err, client);
    if (err || this.ending || this.#retiring(member)) {
      if (member.uses >= this.options.maxUses) this.log('remove expended client');
      this.#remove(member, err instanceof TimeoutError);
      return;
    }
    this.#toIdle(member);
    this.#pulse();
  }

  /** Takes no new work: destroyed, closing, out of uses or past its lifetime. */
  #retiring(member: Member): boolean {
    const client = member.client;
    return (
      !client._queryable ||
      client._ending ||
      member.uses + member.load >= this.options.maxUses ||
      this._expired.has(client)
    );
  }

  #toIdle(member: Member): void {
    member.state = 'idle';
    member.reserved = false;
    const { idleTimeoutMillis, allowExitOnIdle } = this.options;
    if (idleTimeoutMillis && this.#isAboveMin()) {
      member.idleTimer = setTimeout(() => {
        if (member.state === 'idle' && this.#isAboveMin()) {
          this.log('remove idle client');
          this.#remove(member);
        }
      }, idleTimeoutMillis);
      if (allowExitOnIdle) unrefTimer(member.idleTimer);
    }
    if (allowExitOnIdle) member.client.unref?.();
    this._idle.push(member);
  }

  /** The most recently idled live connection (LIFO), if any. */
  #takeIdle(): Member | undefined {
    for (let member = this._idle.pop(); member; member = this._idle.pop()) {
      member.clearIdleTimer();
      if (this.#retiring(member)) {
        this.#remove(member);
        continue;
      }
      member.client.ref?.();
      return member;
    }
    return undefined;
  }

  #onClientError(member: Member, error: Error & { client?: Client }): void {
    if (member.state === 'idle') {
      // pg-pool: the client is removed first, then the error is reported on the pool.
      error.client = member.client;
      this.#remove(member);
      this.emit('error', error, member.client);
    } else if (member.state === 'shared') {
      // Its in-flight pool.query() calls fail with their own errors; the connection goes.
      this.log('shared client error', error);
      this.#remove(member);
    }
    // Checked-out clients report to their holder, as in pg; connecting ones through connect().
  }

  /** `unresponsive`: a query on it timed out, so it is dropped at once instead of ended politely. */
  #remove(member: Member, unresponsive = false): void {
    if (member.state === 'removed') return;
    const client = member.client;
    if (unresponsive && typeof client._destroy === 'function') client._destroy();
    if (member.state === 'idle') removeItem(this._idle, member);
    member.clearIdleTimer();
    member.state = 'removed';
    removeItem(this._clients, client);
    this.#members.delete(client);
    this.#closing++;
    Promise.resolve()
      .then(() => client.end())
      .catch(() => {})
      .then(() => {
        this.#closing--;
        this.emit('remove', client);
        this.#pulse();
      });
  }

  /** Serves waiters: `connect()` callers first, then queued `pool.query()` calls. */
  #pulse(): void {
    if (this.ended) return;
    if (this.ending) {
      this.#pulseEnding();
      return;
    }
    while (this._pendingQueue.length) {
      const member = this.#takeIdle();
      if (member) this.#acquire(member, this._pendingQueue.shift() as Waiter);
      else if (!this.#isFull()) this.#newClient(this._pendingQueue.shift());
      else break;
    }
    this.#reserve();
    while (this.#queries.length) {
      const member = this.#pickShared();
      if (!member) break;
      this.#dispatch(member, this.#queries.shift() as QueuedQuery);
    }
  }

  #pulseEnding(): void {
    for (const member of [...this._idle]) this.#remove(member);
    const error = new UsageError(ENDED);
    for (const waiter of this._pendingQueue.splice(0)) {
      if (waiter.timer) clearTimeout(waiter.timer);
      waiter.callback(error);
    }
    for (const item of this.#queries.splice(0)) {
      if (item.timer) clearTimeout(item.timer);
      item.callback(error, undefined as unknown as Result);
    }
    if (this._clients.length === 0 && this.#closing === 0) {
      this.ended = true;
      this.#resolveEnd?.();
    }
  }

  /** Stops giving new queries to enough shared connections to serve each `connect()` waiter. */
  #reserve(): void {
    let needed = this._pendingQueue.length;
    if (needed === 0) return;
    const candidates: Member[] = [];
    for (const member of this.#members.values()) {
      if (member.state !== 'shared') continue;
      if (member.reserved) needed--;
      else candidates.push(member);
    }
    if (needed <= 0 || candidates.length === 0) return;
    candidates.sort((a, b) => a.load - b.load);
    for (const member of candidates.slice(0, needed)) member.reserved = true;
  }

  /** The least-loaded connection for a `pool.query()`: idle, new, or shared below the bound. */
  #pickShared(): Member | undefined {
    let best: Member | undefined;
    for (const member of this.#members.values()) {
      if (member.state !== 'shared' || member.reserved || member.load >= this.#depth) continue;
      if (this.#retiring(member)) continue;
      if (!best || member.load < best.load) best = member;
    }
    if (best && best.load === 0) return best;
    const idle = this.#takeIdle();
    if (idle) {
      idle.state = 'shared';
      return idle;
    }
    if (!this.#isFull()) return this.#newClient(undefined);
    return best;
  }

  #dispatch(member: Member, item: QueuedQuery): void {
    if (item.timer) clearTimeout(item.timer);
    item.dispatched = true;
    member.load++;
    if (member.announced) this.emit('acquire', member.client);
    const done: QueryCallback = (err, result) => this.#settle(member, item, err, result);
    try {
      member.client.query(item.text, item.values, done);
    } catch (error) {
      done(error as Error, undefined as unknown as Result);
    }
  }

  #settle(member: Member, item: QueuedQuery, err: Error | null, result: Result): void {
    if (!member.announced) {
      // Sent behind the startup: report it once the connection's own outcome is known.
      member.ready.then(
        () => this.#settle(member, item, err, result),
        (connectError: Error) => {
          member.load--;
          item.callback(connectError, undefined as unknown as Result);
        },
      );
      return;
    }
    const client = member.client;
    member.load--;
    member.uses++;
    client._poolUseCount = member.uses;
    this.emit('release', err, client);
    if (member.state === 'shared') {
      // A timed-out query leaves the connection suspect (a peer that stopped answering would take
      // every later query down with it): it goes, as pg-pool drops a connection after any error.
      if (err instanceof TimeoutError) this.#remove(member, true);
      else if (!client._queryable || client._ending) this.#remove(member);
      else if (member.load === 0) {
        if (this.ending || this.#retiring(member)) this.#remove(member);
        else this.#toIdle(member);
      }
    }
    item.callback(err, result);
    this.#pulse();
  }
}

function connectTimeoutError(cause: Error): Error {
  return new TimeoutError('Connection terminated due to connection timeout', { cause });
}

function removeItem<T>(list: T[], item: T): boolean {
  const index = list.indexOf(item);
  if (index < 0) return false;
  list.splice(index, 1);
  return true;
}

/** pg-pool's promisify: a callback if given, else a promise whose errors point at the caller. */
// biome-ignore lint/suspicious/noExplicitAny: the callback shapes differ between connect and query
function promisify<T>(callback: ((...args: any[]) => void) | undefined): {
  // biome-ignore lint/suspicious/noExplicitAny: the callback shapes differ between connect and query
  callback: (err: Error | undefined | null, value?: T, ...rest: any[]) => void;
  result: Promise<T> | undefined;
} {
  if (callback) {
    return { callback: callback as never, result: undefined };
  }
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const result = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  }).catch((error: Error) => {
    if (typeof Error.captureStackTrace === 'function' && error instanceof Error)
      Error.captureStackTrace(error);
    throw error;
  });
  return {
    callback: (err, value) => (err ? reject(err) : resolve(value as T)),
    result,
  };
}
