/**
 * A `/sql` request on the wire: one operation for the engine, ending in a single Sync.
 *
 * A single query is Parse/Bind/Describe/Execute with the unnamed statement and text parameters
 * of unspecified type, as Neon's proxy runs it (neon-http-protocol.md §3), so types, errors and
 * "cannot insert multiple commands into a prepared statement" all match. Neon spends two round
 * trips on it (Parse+Describe, then Bind+Execute); the results are the same in one.
 *
 * A batch wraps its queries in START TRANSACTION … COMMIT. Neon waits for each statement; here
 * the whole batch is one flight under one Sync: after an error Postgres skips everything up to
 * the Sync, so no later query and no COMMIT can run, exactly as if we had stopped sending. The
 * transaction is then left aborted and the pool's reset rolls it back.
 */
import { serialize } from 'pg-protocol';
import type {
  BackendMessage,
  CommandCompleteMessage,
  DataRowMessage,
  RowDescriptionMessage,
} from 'pg-protocol/dist/messages.js';
import type { Operation, TransactionStatus, WriteMessage } from '../../wire/operation.js';
import { type ColumnDescription, ResultJson } from './result-json.js';

export interface SqlStatement {
  text: string;
  params: (string | null)[];
  arrayMode: boolean;
}

/** Where a batch failed: its START TRANSACTION, one of the queries, or the COMMIT. */
export type FailedStep = 'begin' | 'query' | 'commit';

export interface SqlOutcome {
  /** One per statement, when everything succeeded. */
  results: ResultJson[];
  /** The first error: the upstream's DatabaseError, or a lost connection. */
  error: Error | undefined;
  failedStep: FailedStep | undefined;
  /** The response size limit was crossed; rows stopped being collected. */
  tooLarge: boolean;
  /** ReadyForQuery's status; undefined when the connection was lost. */
  status: TransactionStatus | undefined;
}

export interface SqlOperationOptions {
  /** `START TRANSACTION …` for a batch; undefined for a single query. */
  begin: string | undefined;
  rawOutput: boolean;
  maxResponseBytes: number;
  /** Called once when the result outgrows the limit (the endpoint cancels the query). */
  onTooLarge(): void;
  done(outcome: SqlOutcome): void;
}

const describePortal = serialize.describe({ type: 'P', name: '' });
const executePortal = serialize.execute({ portal: '', rows: 0 });
const emptyBind = serialize.bind({});
const sync = serialize.sync();
const commit = serialize.parse({ text: 'COMMIT', types: [] });

export class SqlOperation implements Operation {
  readonly exclusive = false;
  private readonly results: ResultJson[];
  /** Index of the step whose messages arrive now: begin (if any), the queries, commit (if any). */
  private step = 0;
  private readonly offset: number;
  private error: Error | undefined;
  private failedStep: FailedStep | undefined;
  private size = 0;
  private tooLarge = false;
  private finished = false;

  constructor(
    private readonly statements: readonly SqlStatement[],
    private readonly options: SqlOperationOptions,
  ) {
    this.offset = options.begin === undefined ? 0 : 1;
    this.results = statements.map((s) => new ResultJson(s.arrayMode, options.rawOutput));
  }

  start(write: WriteMessage): void {
    const { begin } = this.options;
    if (begin !== undefined) {
      write(serialize.parse({ text: begin, types: [] }));
      write(emptyBind);
      write(executePortal);
    }
    for (const statement of this.statements) {
      write(serialize.parse({ text: statement.text, types: [] }));
      write(serialize.bind({ values: statement.params }));
      write(describePortal);
      write(executePortal);
    }
    if (begin !== undefined) {
      write(commit);
      write(emptyBind);
      write(executePortal);
    }
    write(sync);
  }

  private stepName(): FailedStep {
    if (this.step < this.offset) return 'begin';
    return this.step - this.offset < this.statements.length ? 'query' : 'commit';
  }

  private current(): ResultJson | undefined {
    return this.results[this.step - this.offset];
  }

  handleMessage(message: BackendMessage): void {
    switch (message.name) {
      case 'rowDescription':
        this.current()?.setColumns((message as RowDescriptionMessage).fields as ColumnDescription[]);
        return;
      case 'dataRow': {
        const result = this.current();
        if (!result || this.tooLarge) return;
        this.size += result.addRow((message as DataRowMessage).fields);
        if (this.size > this.options.maxResponseBytes) {
          this.tooLarge = true;
          this.options.onTooLarge();
        }
        return;
      }
      case 'commandComplete':
        this.current()?.complete((message as CommandCompleteMessage).text);
        this.step++;
        return;
      case 'emptyQuery':
        this.step++;
        return;
      case 'error':
        if (!this.error) {
          this.error = message as unknown as Error;
          this.failedStep = this.stepName();
        }
        return;
      default:
        // parseComplete, bindComplete, noData: nothing to keep.
        return;
    }
  }

  handleReadyForQuery(status: TransactionStatus): void {
    this.finish(status, undefined);
  }

  handleConnectionError(error: Error): void {
    this.finish(undefined, error);
  }

  private finish(status: TransactionStatus | undefined, connectionError: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    // A server error that preceded the connection loss (57P01 on a terminated backend) says more.
    const error = this.error ?? connectionError;
    this.options.done({
      results: this.results,
      error,
      failedStep: this.error ? this.failedStep : connectionError ? this.stepName() : undefined,
      tooLarge: this.tooLarge,
      status,
    });
  }
}
