/**
 * The built-in query operation, pg's `Query` semantics on top of the engine:
 * - extended protocol (Parse/Bind/Describe/Execute/Sync, unnamed statement, text parameters with
 *   OID 0 so the server infers the types with no extra round trip) when there are values, a
 *   `name`, or `queryMode: 'extended'`;
 * - simple protocol otherwise, where several statements give an array of results, as in pg.
 *
 * With the connection's automatic statement cache on (`statementCache`, see statement-cache.ts),
 * an extended query without a `name` is prepared under a generated name: the first run of a text
 * (the *leader*) sends Parse + Describe (statement) + Bind + Execute + Sync, later runs only Bind +
 * Execute + Sync and take the columns from the cache. A Bind that finds the statement gone (26000)
 * or changed (0A000, "cached plan must not change result type") evicts the entry; outside a
 * transaction block nothing ran, so the query is queued again once, transparently.
 */
import { serialize } from 'pg-protocol';
import type {
  BackendMessage,
  CommandCompleteMessage,
  DatabaseError,
  DataRowMessage,
  RowDescriptionMessage,
} from 'pg-protocol/dist/messages.js';
import { ProtocolError } from '../core/errors.js';
import type { PreparedValue } from '../core/prepare-value.js';
import { type FieldDef, Result } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import { extendedQuery } from './extended-query.js';
import type { FlowControl, TransactionStatus, WriteMessage } from './operation.js';
import {
  type CachedStatement,
  type RetryableOperation,
  type StatementCache,
  withCloses,
} from './statement-cache.js';
import { prepareWireValue } from './wire-value.js';

export interface QuerySpec {
  text: string;
  values?: readonly unknown[];
  name?: string;
  rowMode?: 'array';
  types?: CustomTypesConfig;
  queryMode?: 'extended' | 'simple';
}

export interface QueryCallbacks {
  /** One result, or one per statement for a multi-statement simple query. */
  resolve(result: Result | Result[]): void;
  reject(error: Error): void;
  /** Optional streaming hook (pg's `'row'` event); rows are then still collected. */
  onRow?(row: unknown, result: Result): void;
}

/** Per-connection record of named statements: name → text, as pg's `parsedStatements`. */
export type PreparedStatements = Map<string, string>;

/**
 * Parse messages for the unnamed statement depend only on the text, so they are serialised once
 * per distinct text (the UTF-8 encoding of the SQL is most of the cost) and reused. Bounded:
 * the oldest half is dropped when full; long texts are not cached.
 */
const parseCache = new Map<string, Uint8Array>();
const PARSE_CACHE_ENTRIES = 512;
const PARSE_CACHE_MAX_TEXT = 8 * 1024;

/** The Parse message for the unnamed statement, from the cache (shared with portals). */
export function unnamedParse(text: string): Uint8Array {
  let message = parseCache.get(text);
  if (message === undefined) {
    message = serialize.parse({ text, types: [] });
    if (text.length <= PARSE_CACHE_MAX_TEXT) {
      if (parseCache.size >= PARSE_CACHE_ENTRIES) {
        let drop = PARSE_CACHE_ENTRIES / 2;
        for (const key of parseCache.keys()) {
          parseCache.delete(key);
          if (--drop === 0) break;
        }
      }
      parseCache.set(text, message);
    }
  }
  return message;
}

export class QueryOperation implements RetryableOperation {
  readonly exclusive = false;
  private readonly params: PreparedValue[] | undefined;
  private readonly extended: boolean;
  private results: Result[] = [];
  private current: Result;
  private error: Error | undefined;
  private write: WriteMessage | undefined;
  private parsedHere = false;
  private finished = false;
  /** A type parser threw: later rows are not parsed (pg's `_canceledDueToError`). */
  private parseFailed = false;
  /** The automatic statement this run uses (statement cache on, no `name`). */
  private cached: CachedStatement | undefined;
  private statements: StatementCache | undefined;
  /** This run wrote the cached statement's Parse; `parseDone` once the server accepted it. */
  private leader = false;
  private parseDone = false;
  /**
   * BindComplete came: the statement is bound and runs, so an error from here on (even a 0A000 or
   * 26000 raised by the statement itself) is the query's own, never a stale-cache Bind failure.
   */
  private bound = false;
  /** Queued again after a 26000/0A000 already (a query is retried at most once). */
  private retried = false;
  /** What a held retry rejects with if the engine gives it up. */
  private abandonedWith: Error | undefined;
  /** The retry of a query whose leader's Parse failed runs on the unnamed statement. */
  private bypassCache = false;

  constructor(
    private readonly spec: QuerySpec,
    private readonly clientTypes: CustomTypesConfig,
    private readonly prepared: PreparedStatements,
    private readonly callbacks: QueryCallbacks,
  ) {
    // Serialise parameters now, so a bad value fails this query before anything is sent.
    // pg's prepareValue (bytes as Buffers; toPostgres callbacks get the same function).
    this.params = spec.values?.map(prepareWireValue);
    this.extended =
      spec.queryMode === 'extended' ||
      spec.name !== undefined ||
      (spec.values !== undefined && spec.values.length > 0);
    this.current = this.newResult();
  }

  private newResult(): Result {
    return new Result(this.spec.rowMode, this.spec.types ?? this.clientTypes);
  }

  start(write: WriteMessage, _flow?: FlowControl, statements?: StatementCache): void {
    this.write = write;
    const { text, name } = this.spec;
    if (!this.extended) {
      write(serialize.query(text));
      return;
    }
    if (statements !== undefined && name === undefined && !this.bypassCache) {
      this.startCached(write, statements);
      return;
    }
    let parse: Uint8Array | undefined;
    if (name !== undefined) {
      const known = this.prepared.get(name);
      if (known !== undefined && known !== text) {
        throw new Error(`Prepared statements must be unique - '${name}' was used for a different statement`);
      }
      if (known === undefined) {
        parse = serialize.parse({ name, text, types: [] });
        this.prepared.set(name, text);
        this.parsedHere = true;
      }
    } else {
      parse = unnamedParse(text);
    }
    write(extendedQuery(parse, name ?? '', this.params ?? []));
  }

  /**
   * Runs through the statement cache: as the leader of a new entry (Parse + Describe statement
   * + Bind), or on an entry already prepared or being prepared by an earlier query (Bind only).
   * Both leave out the Describe (portal): the statement's description is enough.
   */
  private startCached(write: WriteMessage, statements: StatementCache): void {
    const { text } = this.spec;
    this.statements = statements;
    this.leader = false;
    this.parseDone = false;
    this.bound = false;
    let entry = statements.lookup(text);
    let prefix: Uint8Array | undefined;
    if (entry === undefined) {
      entry = statements.add(text);
      this.leader = true;
      try {
        prefix = concat(
          serialize.parse({ name: entry.name, text, types: [] }),
          serialize.describe({ type: 'S', name: entry.name }),
        );
      } catch (error) {
        statements.evict(entry, false);
        throw error;
      }
    }
    this.cached = entry;
    // Evicted statements are closed first, right after the previous query's Sync.
    const closes = statements.takeCloses();
    let message: Uint8Array;
    try {
      message = extendedQuery(withCloses(closes, prefix ?? EMPTY), entry.name, this.params ?? [], false);
    } catch (error) {
      // Nothing was written (e.g. too many parameters for a Bind): a new entry is not prepared,
      // and the Closes go out with the next cached query.
      if (this.leader) statements.evict(entry, false);
      statements.requeueCloses(closes);
      throw error;
    }
    write(message);
  }

  handleMessage(message: BackendMessage): void {
    switch (message.name) {
      case 'rowDescription':
        this.startStatementIfDone();
        if (this.leader && this.cached!.fields === undefined) {
          this.cached!.fields = (message as RowDescriptionMessage).fields as FieldDef[];
        }
        if (this.parseFailed) break;
        try {
          this.current.addFields((message as RowDescriptionMessage).fields as FieldDef[]);
        } catch (error) {
          // A `types` without getTypeParser, or one that throws: this query's problem alone.
          this.failParsing(error);
        }
        break;
      case 'parseComplete':
        this.parseDone = true;
        break;
      case 'noData':
        if (this.leader && this.cached!.fields === undefined) this.cached!.fields = null;
        break;
      case 'bindComplete': {
        this.bound = true;
        // A cached statement's columns, where the RowDescription would have come.
        const fields = this.leader ? undefined : this.cached?.fields;
        if (!fields || this.parseFailed) break;
        try {
          // A copy, as each uncached result has its own array.
          this.current.addFields(fields.slice());
        } catch (error) {
          this.failParsing(error);
        }
        break;
      }
      case 'dataRow': {
        if (this.parseFailed) break;
        if (!this.current._parsers && (message as DataRowMessage).fieldCount > 0) {
          throw new ProtocolError('Received a DataRow before its RowDescription');
        }
        let row: unknown;
        try {
          row = this.current.parseRow((message as DataRowMessage).fields);
        } catch (error) {
          this.failParsing(error);
          break;
        }
        this.callbacks.onRow?.(row, this.current);
        this.current.addRow(row);
        break;
      }
      case 'commandComplete':
        this.startStatementIfDone();
        this.current.addCommandComplete(message as CommandCompleteMessage);
        break;
      case 'emptyQuery':
        break;
      case 'error':
        this.fail(message as DatabaseError);
        break;
      case 'copyInResponse':
        // Like pg: a plain query has no data to send, so refuse the COPY and let the server error.
        this.write?.(serialize.copyFail('No source stream defined'));
        break;
      default:
        // parameterDescription, closeComplete, copyOutResponse, copyData, copyDone: nothing to keep.
        break;
    }
  }

  /** pg starts a new Result when a statement begins after the previous one completed. */
  private startStatementIfDone(): void {
    if (this.current.command !== null) {
      this.results.push(this.current);
      this.current = this.newResult();
    }
  }

  /**
   * A type parser threw. As pg's handleDataRow: keep that error, read the rest of the rows
   * without parsing them, and reject with it at ReadyForQuery; the connection is fine.
   */
  private failParsing(error: unknown): void {
    this.parseFailed = true;
    this.fail(error as Error);
  }

  private fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    if (this.leader && !this.parseDone) {
      // The Parse was refused: not prepared, and the queries bound to it fail with 26000.
      const entry = this.cached!;
      entry.failure = error;
      this.statements!.evict(entry, false);
    }
    // The statement never made it into the server's cache: parse it again next time.
    if (this.parsedHere && this.spec.name !== undefined) this.prepared.delete(this.spec.name);
  }

  handleReadyForQuery(status: TransactionStatus): void {
    if (this.finished) return;
    this.finished = true;
    if (this.error) {
      if (this.cached !== undefined && !this.leader && !this.bound) {
        const outcome = this.cachedStatementFailure(this.cached, this.error, status);
        if (outcome === undefined) return;
        this.error = outcome;
      }
      this.callbacks.reject(this.error);
      return;
    }
    this.results.push(this.current);
    this.callbacks.resolve(this.results.length === 1 ? this.results[0] : this.results);
  }

  /**
   * A query bound to a cached statement failed. When the statement was missing (26000) or its
   * result type changed (0A000), the Bind failed and nothing ran: outside a transaction block
   * (ReadyForQuery 'I') the query is queued again, once, and undefined is returned. Otherwise
   * the error to reject with: a missing statement whose leader's Parse failed gets the leader's
   * error, since that is what the query would have got on its own.
   */
  private cachedStatementFailure(
    entry: CachedStatement,
    error: Error,
    status: TransactionStatus,
  ): Error | undefined {
    const code = (error as DatabaseError).code;
    if (code !== '26000' && code !== '0A000') return error;
    const leaderFailed = entry.failure !== undefined;
    if (!leaderFailed) this.statements!.evict(entry, code === '0A000');
    const outcome = leaderFailed && code === '26000' ? entry.failure! : error;
    if (status !== 'I' || this.retried || !this.retryOnce(leaderFailed, outcome)) return outcome;
    return undefined;
  }

  /**
   * Hands this query to the engine for a retry on the same connection (a 26000/0A000 Bind:
   * nothing ran), which re-queues it in order or gives it up with `outcome` (`abandonRetry`);
   * false when the connection takes no more work, and the query keeps its error.
   */
  private retryOnce(bypassCache: boolean, outcome: Error): boolean {
    this.retried = true;
    this.abandonedWith = outcome;
    // Its own error, not a twin of the leader's: run it on the unnamed statement.
    this.bypassCache = bypassCache;
    this.results = [];
    this.current = this.newResult();
    this.error = undefined;
    this.parseFailed = false;
    this.finished = false;
    this.cached = undefined;
    this.leader = false;
    this.parseDone = false;
    this.bound = false;
    if (this.statements!.resubmit(this)) return true;
    this.finished = true; // rejected by the caller with the error it kept
    return false;
  }

  /** The engine gave the retry up (queries sent after this one ran first). */
  abandonRetry(): void {
    if (this.finished) return;
    this.finished = true;
    this.callbacks.reject(this.abandonedWith!);
  }

  handleConnectionError(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    if (this.parsedHere && this.spec.name !== undefined) this.prepared.delete(this.spec.name);
    // The server's own reason, when it sent one before closing (FATAL 57P01 from
    // pg_terminate_backend or a shutdown), says more than "connection terminated" — as in pg.
    this.callbacks.reject(this.error ?? error);
  }
}

const EMPTY = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
