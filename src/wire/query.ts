/**
 * The built-in query operation, pg's `Query` semantics on top of the engine:
 * - extended protocol (Parse/Bind/Describe/Execute/Sync, unnamed statement, text parameters with
 *   OID 0 so the server infers the types with no extra round trip) when there are values, a
 *   `name`, or `queryMode: 'extended'`;
 * - simple protocol otherwise, where several statements give an array of results, as in pg.
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
import { type PreparedValue, prepareValue } from '../core/prepare-value.js';
import { type FieldDef, Result } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import { extendedQuery } from './extended-query.js';
import type { Operation, TransactionStatus, WriteMessage } from './operation.js';

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

export class QueryOperation implements Operation {
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

  constructor(
    private readonly spec: QuerySpec,
    private readonly clientTypes: CustomTypesConfig,
    private readonly prepared: PreparedStatements,
    private readonly callbacks: QueryCallbacks,
  ) {
    // Serialise parameters now, so a bad value fails this query before anything is sent.
    this.params = spec.values?.map(prepareValue);
    this.extended =
      spec.queryMode === 'extended' ||
      spec.name !== undefined ||
      (spec.values !== undefined && spec.values.length > 0);
    this.current = this.newResult();
  }

  private newResult(): Result {
    return new Result(this.spec.rowMode, this.spec.types ?? this.clientTypes);
  }

  start(write: WriteMessage): void {
    this.write = write;
    const { text, name } = this.spec;
    if (!this.extended) {
      write(serialize.query(text));
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

  handleMessage(message: BackendMessage): void {
    switch (message.name) {
      case 'rowDescription':
        this.startStatementIfDone();
        if (this.parseFailed) break;
        try {
          this.current.addFields((message as RowDescriptionMessage).fields as FieldDef[]);
        } catch (error) {
          // A `types` without getTypeParser, or one that throws: this query's problem alone.
          this.failParsing(error);
        }
        break;
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
        // parseComplete, bindComplete, noData, copyOutResponse, copyData, copyDone: nothing to keep.
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
    // The statement never made it into the server's cache: parse it again next time.
    if (this.parsedHere && this.spec.name !== undefined) this.prepared.delete(this.spec.name);
  }

  handleReadyForQuery(_status: TransactionStatus): void {
    if (this.finished) return;
    this.finished = true;
    if (this.error) {
      this.callbacks.reject(this.error);
      return;
    }
    this.results.push(this.current);
    this.callbacks.resolve(this.results.length === 1 ? this.results[0] : this.results);
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
