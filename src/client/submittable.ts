/**
 * pg's Submittable contract (pg-compat.md §1.5), so `pg-cursor`, `pg-query-stream` and other
 * objects with a `submit(connection)` method run on edgepg unchanged.
 *
 * A Submittable drives the protocol itself through a `connection` object (parse, bind,
 * execute, flush, sync, …) across several round trips, so it runs as an exclusive operation:
 * it waits for the pipeline to empty and holds the connection until its ReadyForQuery.
 */
import { serialize } from 'pg-protocol';
import type {
  BackendMessage,
  CommandCompleteMessage,
  CopyDataMessage,
  DataRowMessage,
  RowDescriptionMessage,
} from 'pg-protocol/dist/messages.js';
import { EventEmitter } from '../core/emitter.js';
import type { Operation, TransactionStatus, WriteMessage } from '../wire/operation.js';
import { prepareWireValue } from '../wire/wire-value.js';

/** Anything with pg's `submit(connection)` (the handlers below are optional). */
export interface Submittable {
  // biome-ignore lint/suspicious/noExplicitAny: @types/pg types this as its own Connection; any keeps both assignable
  submit(connection: any): unknown;
}

/** The handlers pg's Client calls on a Submittable, when it has them. */
interface SubmittableHandlers {
  submit(connection: SubmittableConnection): unknown;
  handleRowDescription?(message: RowDescriptionMessage): void;
  handleDataRow?(message: DataRowMessage): void;
  handlePortalSuspended?(connection: SubmittableConnection): void;
  handleEmptyQuery?(connection: SubmittableConnection): void;
  handleCommandComplete?(message: CommandCompleteMessage, connection: SubmittableConnection): void;
  handleError?(error: Error, connection: SubmittableConnection): void;
  handleReadyForQuery?(connection: SubmittableConnection): void;
  handleCopyInResponse?(connection: SubmittableConnection): void;
  handleCopyData?(message: CopyDataMessage, connection: SubmittableConnection): void;
  callback?: unknown;
}

export function isSubmittable(value: unknown): value is Submittable {
  return typeof value === 'object' && value !== null && typeof (value as Submittable).submit === 'function';
}

/**
 * The `connection` a Submittable sees: pg's `Connection` methods, writing into the engine, and
 * every backend message re-emitted under its pg-protocol name (`error` as `errorMessage`).
 */
export class SubmittableConnection extends EventEmitter {
  constructor(
    private readonly write: WriteMessage,
    private readonly terminate: () => void,
  ) {
    super();
  }

  query(text: string): void {
    this.write(serialize.query(text));
  }
  parse(query: { name?: string; text: string; types?: number[] }, _more?: boolean): void {
    this.write(serialize.parse({ ...query, types: query.types ?? [] }));
  }
  bind(
    config: { portal?: string; statement?: string; values?: unknown[]; binary?: boolean },
    _more?: boolean,
  ): void {
    this.write(serialize.bind({ ...config, values: config.values ?? [], valueMapper: prepareWireValue }));
  }
  describe(msg: { type: 'S' | 'P'; name?: string }, _more?: boolean): void {
    this.write(serialize.describe(msg));
  }
  execute(config: { portal?: string; rows?: number }, _more?: boolean): void {
    this.write(serialize.execute(config));
  }
  close(msg: { type: 'S' | 'P'; name?: string }, _more?: boolean): void {
    this.write(serialize.close(msg));
  }
  flush(): void {
    this.write(serialize.flush());
  }
  sync(): void {
    this.write(serialize.sync());
  }
  end(): void {
    this.terminate();
  }
  sendCopyFromChunk(chunk: Uint8Array): void {
    this.write(serialize.copyData(chunk as Buffer));
  }
  endCopyFrom(): void {
    this.write(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.write(serialize.copyFail(message));
  }
}

export class SubmittableOperation implements Operation {
  readonly exclusive = true;
  private connection: SubmittableConnection | undefined;
  private errored = false;
  private finished = false;
  private readonly submittable: SubmittableHandlers;

  constructor(
    submittable: Submittable,
    private readonly terminate: () => void,
  ) {
    this.submittable = submittable as SubmittableHandlers;
  }

  start(write: WriteMessage): void {
    this.connection = new SubmittableConnection(write, this.terminate);
    const error = this.submittable.submit(this.connection) as Error | undefined;
    if (error instanceof Error) throw error;
  }

  handleMessage(message: BackendMessage): void {
    const s = this.submittable;
    const con = this.connection!;
    // pg's Client handles a message before the listeners a Submittable put on the connection.
    switch (message.name) {
      case 'rowDescription':
        s.handleRowDescription?.(message as RowDescriptionMessage);
        break;
      case 'dataRow':
        s.handleDataRow?.(message as DataRowMessage);
        break;
      case 'portalSuspended':
        s.handlePortalSuspended?.(con);
        break;
      case 'emptyQuery':
        s.handleEmptyQuery?.(con);
        break;
      case 'commandComplete':
        s.handleCommandComplete?.(message as CommandCompleteMessage, con);
        break;
      case 'error':
        // As in pg, a Submittable that failed is detached: it gets no handleReadyForQuery.
        this.errored = true;
        s.handleError?.(message as unknown as Error, con);
        break;
      case 'copyInResponse':
        s.handleCopyInResponse?.(con);
        break;
      case 'copyData':
        s.handleCopyData?.(message as CopyDataMessage, con);
        break;
    }
    con.emit(message.name === 'error' ? 'errorMessage' : message.name, message);
  }

  handleReadyForQuery(_status: TransactionStatus): void {
    if (this.finished) return;
    this.finished = true;
    const con = this.connection!;
    if (!this.errored) this.submittable.handleReadyForQuery?.(con);
    con.emit('readyForQuery');
  }

  handleConnectionError(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.submittable.handleError?.(
      error,
      this.connection ??
        new SubmittableConnection(
          () => {},
          () => {},
        ),
    );
    this.connection?.emit('end');
  }
}
