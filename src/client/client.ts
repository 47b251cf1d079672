/**
 * `Client`: node-postgres' API over the pipelined wire engine.
 *
 * Unlike pg, `query()` calls made without awaiting the previous one are written back-to-back
 * (pipelined) instead of waiting for each other, and still resolve in order with their own
 * results or errors. Writes produced in one tick are coalesced into one transport write on a
 * microtask (never a `setTimeout(0)`), so N concurrent queries cost about one round trip.
 */
import '../core/buffer.js';
import { serialize } from 'pg-protocol';
import { type ConnectionConfig, ConnectionParameters } from '../core/connection-parameters.js';
import { EventEmitter } from '../core/emitter.js';
import { ConnectionError, TimeoutError, UsageError } from '../core/errors.js';
import { escapeIdentifier, escapeLiteral } from '../core/escape.js';
import { type NeonConfigPerClient, neonConfig } from '../core/neon-config.js';
import type { QueryResultRow, Result } from '../core/result.js';
import { checkTimerMillis } from '../core/timer-limit.js';
import type { CustomTypesConfig, TypeFormat, TypeParser } from '../core/types.js';
import { TypeOverrides } from '../core/types-full.js';
import {
  OpenAttempt,
  type OpenSignal,
  type TcpTarget,
  type Transport,
  type TransportHandlers,
} from '../transport/transport.js';
import { openWebSocket, type WebSocketConstructorLike } from '../transport/websocket.js';
import { type AuthMethod, WireEngine } from '../wire/engine.js';
import type { Operation } from '../wire/operation.js';
import {
  type PreparedStatements,
  type QueryCallbacks,
  QueryOperation,
  type QuerySpec,
} from '../wire/query.js';
import { checkStatementCache } from '../wire/statement-cache.js';
import { type CopyFromStream, type CopyToStream, createCopyFrom, createCopyTo } from './copy.js';
import { type CursorOptions, QueryCursor } from './cursor.js';
import { clientExecuteQuery, type EagerResult, type ExecuteQueryOptions } from './execute-query.js';
import {
  type Listener,
  type Notification,
  type NotificationHandler,
  notifyQuery,
  Subscriptions,
} from './listen.js';
import {
  clientServerInfo,
  type ServerInfo,
  type VerifyConnectivityOptions,
  verifyClientConnectivity,
} from './server-info.js';
import { isSubmittable, type Submittable, SubmittableOperation } from './submittable.js';
import {
  clientConnectionProvider,
  runTransaction,
  type TransactionFunction,
  type TransactionOptions,
} from './transaction.js';
import { WriteCoalescer } from './write-coalescer.js';

/** How long `cancel()`'s side connection may take when `connectionTimeoutMillis` is unset. */
const CANCEL_TIMEOUT_MS = 10_000;

export interface ClientConfig extends ConnectionConfig {
  /**
   * Answer authentication before the server asks, so connect + auth + first query share round
   * trips. `'password'`: send the cleartext password with the startup (Neon's proxy and edgepg's
   * local server always ask WebSocket clients for it; the default over WebSocket). `'auto'`: answer
   * with the method this server asked for last time in this process (trust, cleartext or SCRAM's
   * first message; the default over TCP). `false`: never (pg's behaviour). If the server asks for
   * something else, nothing has run: the client reconnects once without speculating.
   */
  pipelineConnect?: 'password' | 'auto' | false;
  /** Force a transport; by default WebSocket when one is configured or TCP is unavailable. */
  transport?: 'tcp' | 'websocket';
  /** WebSocket implementation (e.g. the `ws` package in Node < 22). */
  webSocketConstructor?: WebSocketConstructorLike;
  /** Neon's wsProxy: 'host:port/path' (gets ?address=host:port) or (host, port) => url-without-scheme. */
  wsProxy?: string | ((host: string, port: number) => string);
  /** `wss:` (default) or `ws:`. */
  useSecureWebSocket?: boolean;
  /** Coalesce the writes of one tick into one transport write (default true). */
  coalesceWrites?: boolean;
  /** Accepted for Neon compatibility: edgepg never sends an SSLRequest inside a WebSocket. */
  forceDisablePgSSL?: boolean;
  /** Most queries in flight on this connection at once (default 10,000). */
  maxPipeline?: number;
  /** Most request bytes in flight on this connection at once (default 4 MiB). */
  maxPipelineBytes?: number;
  /** Highest SCRAM iteration count accepted from the server (default 100000; 0 = no cap). */
  scramMaxIterations?: number;
  /**
   * Prepare queries automatically: at most this many statements per connection, the least
   * recently used closed beyond that (default 0 = off, pg's unnamed statements). Only queries
   * with values (or `queryMode: 'extended'`) and no `name`. Not behind a transaction-mode
   * pooler without prepared-statement support (PgBouncer, Supavisor).
   */
  statementCache?: number;
}

export interface QueryConfig<V = unknown[]> {
  text: string;
  values?: V;
  name?: string;
  rowMode?: 'array';
  types?: CustomTypesConfig;
  queryMode?: 'extended';
  query_timeout?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: results hold whatever the type parsers return
export type QueryCallback<R = any> = (err: Error | null, result: Result<R>) => void;

export class Client extends EventEmitter {
  readonly connectionParameters: ConnectionParameters;
  readonly user: string | undefined;
  readonly database: string | undefined;
  readonly port: number;
  readonly host: string;
  declare password: ConnectionConfig['password'] | null | undefined;
  readonly ssl: ConnectionParameters['ssl'];
  /**
   * The backend's pid once connected. `undefined` before (pg has `null`): Kysely's
   * `PostgresPool` type, the one consumer that reads it, declares `processID?: number`, so with
   * `null` our `Pool` would need a cast there.
   */
  processID: number | undefined = undefined;
  secretKey: number | null = null;

  _queryable = true;
  _ending = false;
  _ended = false;
  _connecting = false;
  _connected = false;
  _connectionError = false;
  readonly _types: TypeOverrides;

  /**
   * Per-client overrides of the global `neonConfig` socket options (as Neon's `client.neonConfig`),
   * read when the client connects: `webSocketConstructor`, `wsProxy`, `useSecureWebSocket`,
   * `pipelineConnect`, `coalesceWrites`, `forceDisablePgSSL`.
   */
  neonConfig: NeonConfigPerClient = {};
  private readonly config: ClientConfig;
  private readonly prepared: PreparedStatements = new Map();
  private engine: WireEngine | undefined;
  private transport: Transport | undefined;
  private writer: WriteCoalescer | undefined;
  /** Queries made before `connect()`: pg queues them until the connection is up. */
  private early: Operation[] = [];
  private endPromise: Promise<void> | undefined;
  /** Aborted when the connect in progress is abandoned (timeout, `end()`) before its transport opened. */
  private connectAbort: OpenAttempt | undefined;
  private subscriptions: Subscriptions | undefined;

  constructor(config?: string | ClientConfig) {
    super();
    this.config = typeof config === 'string' ? { connectionString: config } : copyConfig(config);
    this.connectionParameters = new ConnectionParameters(this.config);
    const params = this.connectionParameters;
    this.user = params.user;
    this.database = params.database;
    this.port = params.port;
    this.host = params.host;
    Object.defineProperty(this, 'password', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: params.password,
    });
    this.ssl = params.ssl;
    this._types = new TypeOverrides(this.config.types);
    checkTimerMillis('connectionTimeoutMillis', this.config.connectionTimeoutMillis);
    checkTimerMillis('query_timeout', params.query_timeout);
    checkStatementCache(this.config.statementCache);
  }

  setTypeParser(oid: number, format: TypeFormat | TypeParser, parseFn?: TypeParser): void {
    if (typeof format === 'function') this._types.setTypeParser(oid, format);
    else this._types.setTypeParser(oid, format, parseFn as TypeParser);
  }

  getTypeParser(oid: number, format?: TypeFormat): TypeParser {
    return this._types.getTypeParser(oid, format);
  }

  escapeIdentifier(str: string): string {
    return escapeIdentifier(str);
  }

  escapeLiteral(str: string): string {
    return escapeLiteral(str);
  }

  /** `'I'` idle, `'T'` in a transaction, `'E'` in a failed transaction, `null` before connecting. */
  getTransactionStatus(): 'I' | 'T' | 'E' | null {
    return this.engine?.transactionStatus ?? null;
  }

  connect(): Promise<this>;
  connect(callback: (err: Error | null, client?: Client) => void): void;
  connect(callback?: (err: Error | null, client?: Client) => void): Promise<this> | undefined {
    const promise = this.connectOnce();
    if (!callback) return promise;
    promise.then(
      () => callback(null, this),
      (error: Error) => callback(error),
    );
    return undefined;
  }

  private async connectOnce(): Promise<this> {
    if (this._connecting || this._connected || this._ended) {
      throw new UsageError('Client has already been connected. You cannot reuse a client.');
    }
    this._connecting = true;
    const timeoutMs = this.config.connectionTimeoutMillis ?? 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // Abandons a transport still opening when the timeout fires or `end()` is called: without it
    // a WebSocket whose handshake never completes stays open, and one that completes late would
    // still log in. (`OpenAttempt`, not AbortController, which some runtimes lack.)
    const abandon = new OpenAttempt();
    this.connectAbort = abandon;
    try {
      const connecting = this.establish(this.speculation(), [], abandon);
      if (timeoutMs > 0) {
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const error = new TimeoutError(`Connection timed out after ${timeoutMs} ms`);
            abandon.abort(error);
            this.transport?.destroy(error);
            reject(error);
          }, timeoutMs);
        });
        await Promise.race([connecting, timeout]);
      } else {
        await connecting;
      }
      this._connected = true;
      this.emit('connect');
      return this;
    } catch (error) {
      this._queryable = false;
      this._connectionError = true;
      this.transport?.destroy();
      this.failEarly(error as Error);
      throw error;
    } finally {
      this._connecting = false;
      this.connectAbort = undefined;
      if (timer) clearTimeout(timer);
    }
  }

  /** Opens the transport and runs startup; retries once without pipelining on a mismatch. */
  private async establish(
    speculate: AuthMethod | undefined,
    carried: Operation[],
    signal: OpenSignal,
  ): Promise<void> {
    const params = this.connectionParameters;
    const password = await resolvePassword(params.password);
    let settle!: { resolve(): void; reject(e: Error): void; retry(ops: Operation[]): void };
    const outcome = new Promise<Operation[] | undefined>((resolve, reject) => {
      settle = { resolve: () => resolve(undefined), reject, retry: (ops) => resolve(ops) };
    });

    let engine!: WireEngine;
    // The close handler compares against `transport`, which is assigned once the transport opens.
    const transport: Transport = await this.openTransport(
      {
        data: (chunk) => engine.feed(chunk),
        close: (error) => {
          engine?.closed(this._ending, error);
          // A transport given up for a retry (pipelined-connect fallback) closes quietly.
          if (this.transport === transport) this.onTransportClosed();
        },
      },
      signal,
    );
    if (signal.aborted) {
      // Opened just as the connect timed out: nobody will use it.
      transport.destroy();
      throw signal.reason;
    }
    const writer = new WriteCoalescer(transport, this.socketOption('coalesceWrites') !== false);
    engine = new WireEngine(
      {
        user: params.user ?? '',
        password,
        startupParameters: this.startupParameters(),
        speculate,
        maxPipeline: this.config.maxPipeline,
        maxPipelineBytes: this.config.maxPipelineBytes,
        scramMaxIterations: this.config.scramMaxIterations,
        statementCache: this.config.statementCache ?? 0,
      },
      {
        write: (data) => writer.write(data),
        ready: () => settle.resolve(),
        authMethod: (method) => rememberedAuth.set(this.authCacheKey, method),
        fatal: (error) => {
          if (!this._connected) settle.reject(error);
          else this.onFatal(error);
        },
        pipelineMismatch: (operations) => {
          // Detach first: this transport's close must not end the client that retries.
          this.transport = undefined;
          transport.destroy();
          settle.retry(operations);
        },
        notice: (message) => this.emit('notice', message),
        notification: (message) => this.emit('notification', message),
        parameterStatus: () => {},
        drain: () => this.emit('drain'),
        flow: {
          // Once ending, a stream that stops reading cannot be waited for (see endOnce).
          pauseReading: () => (this._ending ? transport.destroy() : transport.pause()),
          resumeReading: () => transport.resume(),
          // Coalesced bytes count too: hand them over first, then wait for the transport.
          writable: () => {
            writer.flush();
            return transport.drained();
          },
        },
      },
    );
    this.engine = engine;
    this.transport = transport;
    // A new server session (the retry after a pipelined-connect mismatch): no statement of the
    // spoiled one exists there, so named statements are parsed again.
    this.prepared.clear();
    this.writer = writer;
    engine.start();
    for (const operation of [...carried, ...this.early.splice(0)]) engine.submit(operation);

    const retry = await outcome;
    if (retry) return this.establish(undefined, retry, signal);
    this.processID = engine.processID ?? undefined;
    this.secretKey = engine.secretKey;
  }

  /**
   * A socket option as set by the caller: constructor config, then `client.neonConfig`, then
   * what the app assigned on the global `neonConfig` (its `opts`, not Neon's defaults).
   */
  private socketOption<K extends keyof NeonConfigPerClient>(key: K): NeonConfigPerClient[K] | undefined {
    return (
      (this.config as NeonConfigPerClient)[key] ??
      this.neonConfig[key] ??
      (neonConfig.opts as NeonConfigPerClient)[key]
    );
  }

  /** WebSocket when one is configured or there is no TCP; TCP otherwise (see CONFIG.md). */
  get transportKind(): 'tcp' | 'websocket' {
    if (this.config.transport) return this.config.transport;
    if (this.socketOption('webSocketConstructor') || this.socketOption('wsProxy')) return 'websocket';
    return hasNodeNet() ? 'tcp' : 'websocket';
  }

  private get authCacheKey(): string {
    const p = this.connectionParameters;
    return `${this.transportKind}|${p.host}|${p.port}|${p.user}|${p.database}`;
  }

  private speculation(): AuthMethod | undefined {
    const configured = this.socketOption('pipelineConnect');
    if (configured === 'password') return 'cleartext';
    if (configured === false) return undefined;
    const remembered = rememberedAuth.get(this.authCacheKey);
    if (configured === 'auto') return remembered;
    // Default: what this server asked for last time; over WebSocket, cleartext until then
    // (what Neon's proxy and edgepg's local server always ask for).
    return remembered ?? (this.transportKind === 'websocket' ? 'cleartext' : undefined);
  }

  private openTransport(handlers: TransportHandlers, signal?: OpenSignal): Promise<Transport> {
    const params = this.connectionParameters;
    if (this.transportKind === 'websocket') {
      return openWebSocket(
        {
          host: params.host,
          port: params.port,
          wsProxy: this.socketOption('wsProxy'),
          useSecureWebSocket: this.socketOption('useSecureWebSocket') ?? neonConfig.useSecureWebSocket,
          webSocketConstructor: this.socketOption('webSocketConstructor'),
        },
        handlers,
        signal,
      );
    }
    // Loaded on first use: `import('edgepg')` then does not resolve and load the TCP module.
    return import('../transport/tcp.js').then(({ openTcp }) => openTcp(this.tcpTarget(), handlers, signal));
  }

  private tcpTarget(): TcpTarget {
    const params = this.connectionParameters;
    return {
      host: params.host,
      port: params.port,
      ssl: params.ssl,
      keepAlive: this.config.keepAlive,
      keepAliveInitialDelayMillis: this.config.keepAliveInitialDelayMillis,
    };
  }

  /**
   * Asks the server to cancel what `target` (by default this client) is running, over a side
   * connection of the same kind. pg's signature `new Client(config).cancel(target, query)` works.
   */
  async cancel(target: Client = this, _query?: unknown): Promise<void> {
    const { processID, secretKey } = target;
    if (processID === undefined || processID === null || secretKey === null) return;
    const message = serialize.cancel(processID, secretKey);
    // Bounded: a peer that accepts and never answers (a hung proxy) must not hold the side
    // connection open for good. The server closes it once the CancelRequest is read.
    const timeoutMs = target.config.connectionTimeoutMillis || CANCEL_TIMEOUT_MS;
    const attempt = new OpenAttempt();
    let side: Transport | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => {
          const error = new TimeoutError(`Cancel request timed out after ${timeoutMs} ms`);
          attempt.abort(error);
          side?.destroy(error);
          reject(error);
        }, timeoutMs);
        target.openTransport({ data: () => {}, close: () => resolve() }, attempt).then((opened) => {
          side = opened;
          opened.write(message);
          opened.end();
        }, reject);
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private startupParameters(): Record<string, string> {
    const p = this.connectionParameters;
    const out: Record<string, string> = {};
    if (p.database) out.database = p.database;
    const appName = p.application_name || p.fallback_application_name;
    if (appName) out.application_name = appName;
    if (p.replication) out.replication = String(p.replication);
    if (p.statement_timeout) out.statement_timeout = String(Number.parseInt(String(p.statement_timeout), 10));
    if (p.lock_timeout) out.lock_timeout = String(Number.parseInt(String(p.lock_timeout), 10));
    if (p.idle_in_transaction_session_timeout) {
      out.idle_in_transaction_session_timeout = String(
        Number.parseInt(String(p.idle_in_transaction_session_timeout), 10),
      );
    }
    if (p.options) out.options = p.options;
    return out;
  }

  /** A Submittable (pg-cursor, pg-query-stream, …) is queued and returned, as in pg. */
  query<T extends Submittable>(submittable: T, callback?: unknown): T;
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
    config: string | QueryConfig,
    valuesOrCallback?: unknown[] | QueryCallback,
    maybeCallback?: QueryCallback,
  ): Promise<Result> | undefined {
    if (config === null || config === undefined) {
      throw new TypeError('Client was passed a null or undefined query');
    }
    if (isSubmittable(config)) return this.submit(config, valuesOrCallback, maybeCallback) as never;
    const callback = typeof valuesOrCallback === 'function' ? valuesOrCallback : maybeCallback;
    if (callback !== undefined && typeof callback !== 'function')
      throw new TypeError('callback is not a function');
    const promise = this.runQuery(
      config,
      typeof valuesOrCallback === 'function' ? undefined : valuesOrCallback,
    );
    if (!callback) return promise;
    promise.then(
      (result) => callback(null, result),
      (error: Error) => callback(error, undefined as unknown as Result),
    );
    return undefined;
  }

  private submit<T extends Submittable>(
    submittable: T,
    valuesOrCallback: unknown,
    maybeCallback: unknown,
  ): T {
    const callback = typeof valuesOrCallback === 'function' ? valuesOrCallback : maybeCallback;
    const withCallback = submittable as T & { callback?: unknown };
    if (!withCallback.callback && typeof callback === 'function') withCallback.callback = callback;
    this.submitOperation(new SubmittableOperation(submittable, () => void this.end()));
    return submittable;
  }

  /**
   * Queues an operation that reports its own outcome (Submittable, cursor, COPY): refused with
   * pg's errors after `end()` or a connection error, held until connected before `connect()`.
   */
  private readonly submitOperation = (operation: Operation): void => {
    if (this._ending) {
      queueMicrotask(() =>
        operation.handleConnectionError(new UsageError('Client was closed and is not queryable')),
      );
    } else if (!this._queryable) {
      queueMicrotask(() =>
        operation.handleConnectionError(
          new ConnectionError('Client has encountered a connection error and is not queryable'),
        ),
      );
    } else if (this.engine) {
      this.engine.submit(operation);
    } else {
      this.early.push(operation);
    }
  };

  /**
   * Reads a query's rows in batches of `fetchSize` through a portal, fetching the next batch
   * only when the current one has been consumed (see cursor.ts). Queued like a query; holds the
   * connection until it is exhausted or closed.
   */
  // biome-ignore lint/suspicious/noExplicitAny: rows hold whatever the type parsers return, as in @types/pg
  cursor<R extends QueryResultRow | unknown[] = any>(
    text: string,
    values?: unknown[],
    options?: CursorOptions,
  ): QueryCursor<R> {
    return new QueryCursor<R>(text, values, options, this._types, this.submitOperation);
  }

  /** `COPY … FROM STDIN` as a Web WritableStream (Node: `.toNodeWritable()`); see copy.ts. */
  copyFrom(sql: string): CopyFromStream {
    return createCopyFrom(sql, this.submitOperation);
  }

  /** `COPY … TO STDOUT` as a Web ReadableStream (Node: `.toNodeReadable()`); see copy.ts. */
  copyTo(sql: string): CopyToStream {
    // Cancelling the stream stops the server with a CancelRequest, except inside a transaction
    // block: there the cancel would abort the caller's transaction, so the COPY runs out instead.
    return createCopyTo(sql, this.submitOperation, () =>
      this.getTransactionStatus() === 'I' ? this.cancel() : undefined,
    );
  }

  /**
   * LISTENs on `channel` and calls `onNotify(payload, notification)` for each notification;
   * resolves once the LISTEN ran. This client cannot reconnect: for a listener that survives
   * a lost connection use `pool.listen()`.
   */
  listen(channel: string, onNotify: NotificationHandler): Promise<Listener> {
    if (!this.subscriptions) {
      const subscriptions = new Subscriptions((sql) => this.query(sql));
      this.on('notification', (message: Notification) => subscriptions.dispatch(message));
      this.subscriptions = subscriptions;
    }
    return this.subscriptions.add(channel, onNotify);
  }

  /** `pg_notify(channel, payload)`, parameterised. */
  async notify(channel: string, payload?: string): Promise<void> {
    const { text, values } = notifyQuery(channel, payload);
    await this.query(text, values);
  }

  private runQuery(config: string | QueryConfig, values: unknown[] | undefined): Promise<Result> {
    const spec: QuerySpec & { query_timeout?: number } =
      typeof config === 'string' ? { text: config } : { ...config };
    if (values !== undefined) spec.values = values;
    const pending = new PendingQuery();
    const refusal = this.refusal(spec);
    if (refusal) {
      pending.reject(refusal);
      return pending.promise.catch(withCallerStack);
    }
    let operation: QueryOperation;
    try {
      operation = new QueryOperation(spec, this._types, this.prepared, pending);
    } catch (error) {
      pending.reject(error as Error);
      return pending.promise.catch(withCallerStack);
    }
    const timeoutMs = spec.query_timeout ?? (this.connectionParameters.query_timeout || 0);
    try {
      checkTimerMillis('query_timeout', timeoutMs);
    } catch (error) {
      pending.reject(error as Error);
      return pending.promise.catch(withCallerStack);
    }
    if (timeoutMs > 0) pending.startTimer(timeoutMs);
    if (this.engine) this.engine.submit(operation);
    else this.early.push(operation);
    return pending.promise.catch(withCallerStack);
  }

  /** Why a query cannot be queued at all, with pg's messages. */
  private refusal(spec: QuerySpec): Error | undefined {
    if (typeof spec.text !== 'string' && spec.name === undefined) {
      return new UsageError('A query must have either text or a name. Supplying neither is unsupported.');
    }
    if (spec.values !== undefined && !Array.isArray(spec.values)) {
      return new UsageError('Query values must be an array');
    }
    if (this._ending) return new UsageError('Client was closed and is not queryable');
    if (!this._queryable) {
      return new ConnectionError('Client has encountered a connection error and is not queryable');
    }
    return undefined;
  }

  end(): Promise<void>;
  end(callback: (err?: Error) => void): void;
  end(callback?: (err?: Error) => void): Promise<void> | undefined {
    const promise = this.endOnce();
    if (!callback) return promise;
    promise.then(() => callback(), callback);
    return undefined;
  }

  private endOnce(): Promise<void> {
    if (this.endPromise) return this.endPromise;
    this._ending = true;
    const engine = this.engine;
    const transport = this.transport;
    if (!engine || !transport || engine.isClosed) {
      this._ended = true;
      // A connect still opening its transport: close that socket and reject the connect.
      this.connectAbort?.abort(new ConnectionError('Connection terminated'));
      this.failEarly(new ConnectionError('Connection terminated'));
      this.endPromise = Promise.resolve();
      return this.endPromise;
    }
    this.endPromise = new Promise<void>((resolve) => {
      this.once('end', () => resolve());
      engine.terminate();
      this.writer?.flush();
      // A stream reader that stopped reading (copyTo) left the socket paused: the server, blocked
      // sending to it, reads neither Terminate nor our close, so the connection is cut instead.
      if (engine.isReadingPaused) transport.destroy();
      else transport.end();
    });
    return this.endPromise;
  }

  /**
   * @internal Drops the connection at once, without Terminate: a Pool evicting a connection whose
   * query timed out (its peer may have stopped answering, and `end()` would wait for that peer).
   */
  _destroy(error?: Error): void {
    this._queryable = false;
    this.transport?.destroy(error);
  }

  private onFatal(error: Error): void {
    this._queryable = false;
    this._connectionError = true;
    this.transport?.destroy();
    // Unlike pg, an error with no listener does not crash the process (see core/emitter.ts).
    this.emit('error', error);
  }

  private onTransportClosed(): void {
    if (this._ended) return;
    this._ended = true;
    this._queryable = false;
    this.failEarly(new ConnectionError('Connection terminated'));
    queueMicrotask(() => this.emit('end'));
  }

  private failEarly(error: Error): void {
    for (const operation of this.early.splice(0)) operation.handleConnectionError(error);
  }

  /**
   * Runs `fn` in a managed transaction on this client (BEGIN … COMMIT, ROLLBACK on error),
   * re-running it on 40001/40P01. A connection loss is not retried: this client cannot reconnect.
   */
  transaction<T>(fn: TransactionFunction<T>, options?: TransactionOptions): Promise<T> {
    return runTransaction(clientConnectionProvider(this), fn, options);
  }

  /** The ParameterStatus values the server has sent (a copy; empty before connecting). */
  get serverParameters(): Record<string, string> {
    return { ...this.engine?.parameters };
  }

  /** Connects if never connected, then runs `select 1`, within `timeoutMs` (default 10 s). */
  verifyConnectivity(options?: VerifyConnectivityOptions): Promise<void> {
    return verifyClientConnectivity(this, options, (error) => this.transport?.destroy(error));
  }

  /** Server version, backend pid and startup parameters (connects if never connected). */
  getServerInfo(): Promise<ServerInfo> {
    return clientServerInfo(this, (error) => this.transport?.destroy(error));
  }

  /** One query with a summary (command, rowCount, notices, timings); see execute-query.ts. */
  // biome-ignore lint/suspicious/noExplicitAny: rows hold whatever the type parsers return, as in @types/pg
  executeQuery<R extends QueryResultRow = any, T = R>(
    text: string,
    params?: unknown[],
    options?: ExecuteQueryOptions<R, T>,
  ): Promise<EagerResult<T>> {
    return clientExecuteQuery(this, text, params, options);
  }

  ref(): void {
    this.transport?.ref?.();
  }

  unref(): void {
    this.transport?.unref?.();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.end();
  }
}

/**
 * The authentication method each server asked for last, per transport, host, port, user and
 * database, so `pipelineConnect: 'auto'` can answer it before being asked next time. Process-wide
 * on purpose: a new Client per request (the serverless pattern) is exactly where it pays.
 */
const rememberedAuth = new Map<string, AuthMethod>();

/**
 * A shallow copy that keeps a non-enumerable `password` (pg-pool hides it on `pool.options`,
 * and pg reads `config.password` directly, so `new Client(pool.options)` must work).
 */
export function copyConfig<T extends object>(config: T | undefined): T {
  const copy = { ...(config ?? {}) } as T & { password?: unknown };
  if (config && 'password' in config) copy.password = (config as { password?: unknown }).password;
  return copy;
}

let nodeNet: boolean | undefined;
function hasNodeNet(): boolean {
  // Node, Bun and Deno have TCP sockets; browsers and edge runtimes do not.
  nodeNet ??= typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  return nodeNet;
}

/**
 * One query's promise and its optional client-side timeout. A class rather than closures: this
 * runs once per query, and every closure costs an allocation (and a name under keepNames).
 */
class PendingQuery implements QueryCallbacks {
  readonly promise: Promise<Result>;
  private settleResolve!: (result: Result) => void;
  private settleReject!: (error: Error) => void;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private settled = false;

  constructor() {
    this.promise = new Promise<Result>((resolve, reject) => {
      this.settleResolve = resolve;
      this.settleReject = reject;
    });
  }

  /**
   * pg's client-side timer, counted from query() including time spent queued. The operation
   * still completes on the server; its late result is dropped.
   */
  startTimer(ms: number): void {
    this.timer = setTimeout(onQueryTimeout, ms, this);
  }

  resolve(result: Result | Result[]): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.settleResolve(result as Result);
  }

  reject(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.settleReject(error);
  }
}

function onQueryTimeout(pending: PendingQuery): void {
  pending.reject(new TimeoutError('Query read timeout'));
}

/** As pg does: point a query error's stack at the caller's `await`, not the socket handler. */
function withCallerStack(error: Error): never {
  if (typeof Error.captureStackTrace === 'function' && error instanceof Error) Error.captureStackTrace(error);
  throw error;
}

async function resolvePassword(
  password: ConnectionConfig['password'] | null | undefined,
): Promise<string | undefined> {
  if (typeof password === 'function') return await password();
  return password ?? undefined;
}
