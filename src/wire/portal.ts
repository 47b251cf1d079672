/**
 * A query read in batches through a portal: Parse/Bind/Describe, then `Execute(maxRows)` +
 * Flush; the server answers with at most `maxRows` DataRows and PortalSuspended, and runs the
 * query no further until the next Execute. The next Execute is sent only when the consumer asks
 * for it (`requestMore()`), so at most one batch is ever buffered: back-pressure comes from the
 * protocol itself, not from pausing the socket.
 *
 * No Sync is sent until the portal is finished (CommandComplete), failed (ErrorResponse: the
 * server then skips everything up to a Sync) or closed early (`close()`: Close portal + Sync);
 * the ReadyForQuery that answers that Sync ends the operation. It is exclusive: while the portal
 * is open the connection is in the middle of an extended-query exchange, so queries queued
 * behind it wait for its ReadyForQuery.
 *
 * Protocol docs: "Extended Query" (Execute's row limit, PortalSuspended) and "Message Flow".
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
import { type FieldDef, Result } from '../core/result.js';
import type { CustomTypesConfig } from '../core/types.js';
import type { Operation, TransactionStatus, WriteMessage } from './operation.js';
import { unnamedParse } from './query.js';
import { prepareWireValue } from './wire-value.js';

export interface PortalSpec {
  text: string;
  values?: readonly unknown[];
  /** Rows per Execute (the batch size). */
  fetchSize: number;
  rowMode?: 'array';
  types?: CustomTypesConfig;
}

export interface PortalEvents {
  /** A batch arrived. `last`: the portal is exhausted, no `requestMore()` will be accepted. */
  batch(rows: unknown[], last: boolean): void;
  /** ReadyForQuery (or the connection failed): the operation is over, with its error if any. */
  finished(error: Error | undefined): void;
}

type PortalState = 'fetching' | 'suspended' | 'syncing' | 'done';

/**
 * Named rather than unnamed, so an open portal is visible in `pg_cursors` (the unnamed one is
 * not). One name per connection is enough: portal operations are exclusive, and each closes its
 * portal (or ends its transaction) before the next starts.
 */
export const PORTAL_NAME = 'edgepg_cursor';
const FLUSH = serialize.flush();
const SYNC = serialize.sync();
const CLOSE_PORTAL = serialize.close({ type: 'P', name: PORTAL_NAME });

export class PortalOperation implements Operation {
  readonly exclusive = true;
  readonly result: Result;
  /** Execute messages sent so far (one per batch requested). */
  executes = 0;
  /** Rows of the batches before the current one (CommandComplete counts the last Execute's). */
  private rowsBefore = 0;
  private readonly params: (string | Buffer | null)[];
  private readonly execute: Uint8Array;
  private state: PortalState = 'fetching';
  private rows: unknown[] = [];
  private error: Error | undefined;
  private write: WriteMessage | undefined;

  constructor(
    private readonly spec: PortalSpec,
    clientTypes: CustomTypesConfig,
    private readonly events: PortalEvents,
  ) {
    // Serialise now: a bad parameter fails here, before anything is queued.
    this.params = (spec.values ?? []).map(prepareWireValue);
    this.execute = serialize.execute({ portal: PORTAL_NAME, rows: spec.fetchSize });
    this.result = new Result(spec.rowMode, spec.types ?? clientTypes);
  }

  get fields(): FieldDef[] {
    return this.result.fields;
  }

  start(write: WriteMessage): void {
    this.write = write;
    if (this.state === 'syncing') {
      // Closed while still queued: a lone Sync, so its ReadyForQuery ends the operation.
      write(SYNC);
      return;
    }
    write(unnamedParse(this.spec.text));
    write(serialize.bind({ portal: PORTAL_NAME, statement: '', values: this.params as unknown[] }));
    write(serialize.describe({ type: 'P', name: PORTAL_NAME }));
    this.sendExecute();
  }

  /** Asks for the next batch. Only while suspended (a batch was delivered and more exist). */
  requestMore(): void {
    if (this.state !== 'suspended') return;
    this.state = 'fetching';
    this.sendExecute();
  }

  /**
   * Stops early: Close portal + Sync. Rows still arriving for an Execute in flight are dropped.
   * A no-op once the Sync is out. Closed while still queued, the query is never sent.
   */
  close(): void {
    if (this.state === 'syncing' || this.state === 'done') return;
    if (!this.write) {
      this.state = 'syncing';
      return;
    }
    this.sync(true);
  }

  private sendExecute(): void {
    this.executes++;
    this.write!(this.execute);
    this.write!(FLUSH);
  }

  private sync(closePortal: boolean): void {
    this.state = 'syncing';
    if (closePortal) this.write!(CLOSE_PORTAL);
    this.write!(SYNC);
  }

  handleMessage(message: BackendMessage): void {
    switch (message.name) {
      case 'rowDescription':
        try {
          this.result.addFields((message as RowDescriptionMessage).fields as FieldDef[]);
        } catch (error) {
          this.failParsing(error);
        }
        return;
      case 'dataRow': {
        // Closed early or failed: the rest of the batch is dropped.
        if (this.state !== 'fetching' || this.error) return;
        const fields = (message as DataRowMessage).fields;
        if (!this.result._parsers && fields.length > 0) {
          throw new ProtocolError('Received a DataRow before its RowDescription');
        }
        try {
          this.rows.push(this.result.parseRow(fields));
        } catch (error) {
          this.failParsing(error);
        }
        return;
      }
      case 'portalSuspended':
        if (this.state !== 'fetching') return;
        this.state = 'suspended';
        this.rowsBefore += this.rows.length;
        this.deliver(false);
        return;
      case 'commandComplete':
      case 'emptyQuery':
        if (message.name === 'commandComplete') {
          this.result.addCommandComplete(message as CommandCompleteMessage);
          if (this.result.rowCount !== null) this.result.rowCount += this.rowsBefore;
        }
        if (this.state !== 'fetching') return;
        this.sync(true);
        this.deliver(true);
        return;
      case 'error':
        this.error ??= message as DatabaseError;
        if (this.state === 'fetching' || this.state === 'suspended') this.sync(false);
        return;
      case 'copyInResponse':
        // COPY FROM STDIN has no rows to read: refuse it so the server reports an error.
        this.write?.(serialize.copyFail('A cursor cannot run COPY FROM STDIN'));
        return;
      default:
        // parseComplete, bindComplete, noData, closeComplete, copy-out messages.
        return;
    }
  }

  /**
   * A type parser threw (or `types` has none to give): the cursor fails with that error, as a
   * query does, and the portal is closed so the connection is free again at ReadyForQuery.
   */
  private failParsing(error: unknown): void {
    this.error ??= error as Error;
    if (this.state === 'fetching' || this.state === 'suspended') this.sync(true);
  }

  private deliver(last: boolean): void {
    const rows = this.rows;
    this.rows = [];
    this.events.batch(rows, last);
  }

  handleReadyForQuery(_status: TransactionStatus): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.events.finished(this.error);
  }

  handleConnectionError(error: Error): void {
    if (this.state === 'done') return;
    this.state = 'done';
    // The server's own reason, when it sent one before closing (FATAL 57P01 from
    // pg_terminate_backend or a shutdown), says more than "connection terminated", as for queries.
    this.events.finished(this.error ?? error);
  }
}
