/**
 * What a connection goes through before another request may use it: Neon's reset sequence
 * (neon-http-protocol.md §3, "Connection pooling"), so that SET, temp tables, prepared
 * statements, LISTEN, advisory locks and open transactions never leak from one request into
 * the next. One simple-protocol round trip.
 */
import { serialize } from 'pg-protocol';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import type { Operation, TransactionStatus, WriteMessage } from '../../wire/operation.js';

const RESET_STATEMENTS =
  'CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; ' +
  'SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES;';

/**
 * The reset for a connection last seen in `status`. ROLLBACK leads only when a transaction is
 * open: on an idle session it would just make Postgres warn.
 */
export function resetSql(status: TransactionStatus): string {
  return status === 'I' ? RESET_STATEMENTS : `ROLLBACK; ${RESET_STATEMENTS}`;
}

export class ResetOperation implements Operation {
  readonly exclusive = false;
  private failed = false;
  private finished = false;

  constructor(
    private readonly sql: string,
    /** true: the session is clean and idle. */
    private readonly done: (clean: boolean) => void,
  ) {}

  start(write: WriteMessage): void {
    write(serialize.query(this.sql));
  }

  handleMessage(message: BackendMessage): void {
    if (message.name === 'error') this.failed = true;
  }

  handleReadyForQuery(status: TransactionStatus): void {
    this.finish(!this.failed && status === 'I');
  }

  handleConnectionError(): void {
    this.finish(false);
  }

  private finish(clean: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.done(clean);
  }
}
