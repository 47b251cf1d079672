/**
 * pg's built-in Submittable, `Query`: `client.query(new Query(text, values, callback))` returns
 * the query, which emits `row` (row, result), `end` (result or results) and `error`, or calls its
 * callback. It runs through the Submittable contract of `src/client/submittable.ts`, so it is
 * exclusive on its connection like `pg-cursor`, and `rows` pages a portal as pg does.
 *
 * Difference from pg: `name` does not create a named server-side statement (the statement is
 * unnamed), because a Submittable cannot see which names the connection has prepared; use
 * `client.query({ name, text, values })` for named prepared statements.
 */

import type { SubmittableConnection } from '../client/submittable.js';
import { EventEmitter } from '../core/emitter.js';
import { UsageError } from '../core/errors.js';
import { Result } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import { normalizeQueryConfig, prepareValue } from './utils.js';

type QueryCallback = (err: Error | null, result?: Result | Result[]) => void;

/** The config `new Query()` takes, as pg's `QueryConfig`. */
export interface PgQueryConfig {
  text?: string;
  values?: unknown[];
  name?: string;
  rows?: number;
  rowMode?: 'array';
  types?: CustomTypesConfig;
  queryMode?: 'extended';
  binary?: boolean;
  portal?: string;
  callback?: QueryCallback;
}

import type { FieldDef } from '../core/result.js';

// biome-ignore lint/suspicious/noExplicitAny: rows hold whatever the type parsers return, as in @types/pg
export class Query<R = any> extends EventEmitter {
  text: string | undefined;
  values: unknown[] | undefined;
  rows: number | undefined;
  types: CustomTypesConfig | undefined;
  name: string | undefined;
  queryMode: 'extended' | undefined;
  binary: boolean | undefined;
  portal: string;
  callback: QueryCallback | undefined;
  _result: Result<R>;
  _results: Result<R> | Result<R>[];
  private readonly rowMode: 'array' | undefined;
  private canceledDueToError: Error | false = false;
  private accumulateRows = true;

  constructor(config?: string | PgQueryConfig, values?: unknown[] | QueryCallback, callback?: QueryCallback) {
    super();
    const normalized = normalizeQueryConfig(config ?? {}, values, callback) as PgQueryConfig;
    this.text = normalized.text;
    this.values = normalized.values;
    this.rows = normalized.rows;
    this.types = normalized.types;
    this.name = normalized.name;
    this.queryMode = normalized.queryMode;
    this.binary = normalized.binary;
    this.portal = normalized.portal || '';
    this.callback = normalized.callback;
    this.rowMode = normalized.rowMode;
    this._result = new Result<R>(this.rowMode, this.types);
    this._results = this._result;
  }

  /** pg's rule: the extended protocol for names, row limits, parameters or an explicit mode. */
  requiresPreparation(): boolean {
    if (this.queryMode === 'extended' || this.name || this.rows) return true;
    if (!this.text || !this.values) return false;
    return this.values.length > 0;
  }

  submit(connection: SubmittableConnection): Error | null {
    if (typeof this.text !== 'string') {
      return new UsageError('A query must have either text or a name. Supplying neither is unsupported.');
    }
    if (this.values !== undefined && this.values !== null && !Array.isArray(this.values)) {
      return new UsageError('Query values must be an array');
    }
    if (!this.requiresPreparation()) {
      connection.query(this.text);
      return null;
    }
    let values: unknown[];
    try {
      // Prepared before anything is written, so a bad value leaves nothing half-sent.
      values = (this.values ?? []).map(prepareValue);
    } catch (error) {
      // A Sync alone brings the ReadyForQuery that reports the error.
      this.canceledDueToError = error as Error;
      connection.sync();
      return null;
    }
    connection.parse({ text: this.text });
    connection.bind({ portal: this.portal, values, binary: this.binary });
    connection.describe({ type: 'P', name: this.portal });
    this.getRows(connection);
    return null;
  }

  handleRowDescription(message: { fields: FieldDef[] }): void {
    this.checkForMultirow();
    this._result.addFields(message.fields);
    this.accumulateRows = Boolean(this.callback) || this.listenerCount('row') === 0;
  }

  handleDataRow(message: { fields: (string | null)[] }): void {
    if (this.canceledDueToError) return;
    let row: R;
    try {
      row = this._result.parseRow(message.fields);
    } catch (error) {
      // A type parser threw: keep reading until ReadyForQuery, then report it.
      this.canceledDueToError = error as Error;
      return;
    }
    this.emit('row', row, this._result);
    if (this.accumulateRows) this._result.addRow(row);
  }

  handleCommandComplete(
    message: { text?: string; command?: string },
    connection: SubmittableConnection,
  ): void {
    this.checkForMultirow();
    this._result.addCommandComplete(message);
    // With a row limit the Sync was held back for PortalSuspended: send it now.
    if (this.rows) connection.sync();
  }

  handleEmptyQuery(connection: SubmittableConnection): void {
    if (this.rows) connection.sync();
  }

  handlePortalSuspended(connection: SubmittableConnection): void {
    this.getRows(connection);
  }

  handleError(error: Error, _connection?: SubmittableConnection): void {
    let reported = error;
    if (this.canceledDueToError) {
      reported = this.canceledDueToError;
      this.canceledDueToError = false;
    }
    // With a callback the error goes there only, never to an unhandled 'error' event.
    if (this.callback) {
      this.callback(reported);
      return;
    }
    this.emit('error', reported);
  }

  handleReadyForQuery(connection: SubmittableConnection): void {
    if (this.canceledDueToError) {
      this.handleError(this.canceledDueToError, connection);
      return;
    }
    this.callback?.(null, this._results);
    this.emit('end', this._results);
  }

  handleCopyInResponse(connection: SubmittableConnection): void {
    connection.sendCopyFail('No source stream defined');
  }

  handleCopyData(): void {}

  private getRows(connection: SubmittableConnection): void {
    connection.execute({ portal: this.portal, rows: this.rows });
    // Without a row limit Sync follows at once; with one, Flush asks for the page only.
    if (this.rows) connection.flush();
    else connection.sync();
  }

  /** A multi-statement simple query yields one Result per statement, as an array. */
  private checkForMultirow(): void {
    if (!this._result.command) return;
    if (!Array.isArray(this._results)) this._results = [this._result];
    this._result = new Result<R>(this.rowMode, this._result._types);
    this._results.push(this._result);
  }
}
