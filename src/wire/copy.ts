/**
 * COPY over the simple query protocol (protocol docs, "COPY Operations").
 *
 * COPY FROM STDIN (`CopyInOperation`): Query, the server answers CopyInResponse, then the client
 * sends CopyData… and CopyDone (or CopyFail to abort); CommandComplete and ReadyForQuery follow.
 * Data is only sent after CopyInResponse, so a statement that fails (or is not a COPY FROM
 * STDIN) never has data sent behind it. After an error mid-copy the server drops any CopyData
 * still arriving, so late writes are harmless.
 *
 * COPY TO STDOUT (`CopyOutOperation`): Query, CopyOutResponse, CopyData… CopyDone,
 * CommandComplete, ReadyForQuery. The server pushes the data; it is handed on in chunks of
 * whole messages, joined per received network chunk (one CopyData per row would mean a million
 * tiny chunks for a million rows).
 *
 * Both are exclusive operations: they hold the connection until their ReadyForQuery.
 *
 * Back-pressure goes through the driver's FlowControl when it has one: CopyIn's `writable()`
 * waits for the transport's write buffer, CopyOut's `pauseReading()` leaves the server's data in
 * the socket, so the server blocks (wait event ClientWrite) instead of the client buffering.
 */
import { serialize } from 'pg-protocol';
import type { BackendMessage, CommandCompleteMessage, DatabaseError } from 'pg-protocol/dist/messages.js';
import { UsageError } from '../core/errors.js';
import type { CopyData } from './framer.js';
import type { FlowControl, Operation, TransactionStatus, WriteMessage } from './operation.js';

/** CopyData frame: 'd', int32 length (including itself), the bytes. */
export function copyDataMessage(chunk: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + chunk.byteLength);
  out[0] = 0x64;
  new DataView(out.buffer).setUint32(1, 4 + chunk.byteLength);
  out.set(chunk, 5);
  return out;
}

/** How a COPY ended: the row count of its command tag (`COPY 42`), or its first error. */
class CopyOutcome {
  error: Error | undefined;
  rowCount: number | null = null;

  /** Records CommandComplete and ErrorResponse; false for any other message. */
  note(message: BackendMessage): boolean {
    if (message.name === 'commandComplete') {
      const match = /^COPY (\d+)/.exec((message as CommandCompleteMessage).text ?? '');
      if (match) this.rowCount = Number.parseInt(match[1], 10);
      return true;
    }
    if (message.name === 'error') {
      this.fail(message as DatabaseError);
      return true;
    }
    return false;
  }

  fail(error: Error): void {
    this.error ??= error;
  }

  /**
   * The error for a connection lost mid-COPY: the server's own reason when it sent a FATAL before
   * closing (57P01 from pg_terminate_backend, a shutdown); otherwise the connection error, since
   * an ERROR here is a consequence (`end()` mid-COPY sends Terminate, which the server refuses).
   */
  lost(error: Error): Error {
    const severity = (this.error as Partial<DatabaseError> | undefined)?.severity;
    return severity === 'FATAL' || severity === 'PANIC' ? this.error! : error;
  }

  report(finished: (error: Error | undefined, rowCount: number | null) => void): void {
    finished(this.error, this.error ? null : this.rowCount);
  }
}

export interface CopyInEvents {
  /** CopyInResponse: data may be written now. */
  copying(): void;
  /** ReadyForQuery (or the connection failed): `rowCount` from the command tag on success. */
  finished(error: Error | undefined, rowCount: number | null): void;
}

type CopyInState = 'starting' | 'copying' | 'ending' | 'done';

export class CopyInOperation implements Operation {
  readonly exclusive = true;
  private state: CopyInState = 'starting';
  private write: WriteMessage | undefined;
  private flow: FlowControl | undefined;
  private readonly outcome = new CopyOutcome();

  constructor(
    private readonly sql: string,
    private readonly events: CopyInEvents,
  ) {}

  /** True between CopyInResponse and CopyDone/CopyFail, while the server accepts data. */
  get accepting(): boolean {
    return this.state === 'copying' && this.outcome.error === undefined;
  }

  start(write: WriteMessage, flow?: FlowControl): void {
    this.write = write;
    this.flow = flow;
    write(serialize.query(this.sql));
  }

  /** One CopyData message. Ignored unless `accepting`. */
  send(chunk: Uint8Array): void {
    if (this.accepting) this.write!(copyDataMessage(chunk));
  }

  /** Resolves once the data sent so far is within the transport's buffer bound. */
  writable(): Promise<void> {
    return this.flow?.writable() ?? Promise.resolve();
  }

  /** CopyDone: the data is complete. */
  end(): void {
    if (this.state !== 'copying') return;
    this.state = 'ending';
    this.write!(serialize.copyDone());
  }

  /** CopyFail: the server aborts the COPY with an error carrying `reason`. */
  fail(reason: string): void {
    if (this.state !== 'copying') return;
    this.state = 'ending';
    this.write!(serialize.copyFail(reason));
  }

  handleMessage(message: BackendMessage): void {
    switch (message.name) {
      case 'copyInResponse':
        if (this.state !== 'starting' || this.outcome.error) {
          // A second COPY FROM STDIN in the statement string (or one behind a refused COPY TO):
          // the server waits for its data, so refuse it or the connection hangs for good.
          this.outcome.fail(new UsageError('copyFrom() runs exactly one COPY … FROM STDIN statement'));
          this.write!(serialize.copyFail('copyFrom() runs exactly one COPY … FROM STDIN statement'));
          return;
        }
        this.state = 'copying';
        this.events.copying();
        return;
      case 'copyOutResponse':
        this.outcome.fail(
          new UsageError('copyFrom() needs a COPY … FROM STDIN statement; this one is COPY … TO'),
        );
        return;
      default:
        // CommandComplete, errors; copyData/copyDone of a wrong-direction COPY, rows of a
        // statement that is not a COPY (ignored).
        this.outcome.note(message);
        return;
    }
  }

  handleReadyForQuery(_status: TransactionStatus): void {
    if (this.state === 'done') return;
    const wasStarting = this.state === 'starting';
    this.state = 'done';
    if (wasStarting) {
      // fail() keeps an earlier error (bad SQL) over this one.
      this.outcome.fail(
        new UsageError('copyFrom() needs a COPY … FROM STDIN statement; the server did not start one'),
      );
    }
    this.outcome.report((error, rowCount) => this.events.finished(error, rowCount));
  }

  handleConnectionError(error: Error): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.events.finished(this.outcome.lost(error), null);
  }
}

export interface CopyOutEvents {
  /** Bytes of one or more CopyData messages, in order (a fresh copy the consumer may keep). */
  data(chunk: Uint8Array): void;
  /** ReadyForQuery (or the connection failed): `rowCount` from the command tag on success. */
  finished(error: Error | undefined, rowCount: number | null): void;
}

/** Joined CopyData is handed on once it reaches this size, even within one network chunk. */
const CHUNK_BYTES = 64 * 1024;

export class CopyOutOperation implements Operation {
  readonly exclusive = true;
  private started = false;
  private done = false;
  private readonly outcome = new CopyOutcome();
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  private write: WriteMessage | undefined;
  private flow: FlowControl | undefined;
  private pendingCancel: (() => Promise<void> | undefined) | undefined;
  /** Payload bytes received so far (progress, and what a stalled reader has piled up). */
  receivedBytes = 0;

  constructor(
    private readonly sql: string,
    private readonly events: CopyOutEvents,
  ) {}

  start(write: WriteMessage, flow?: FlowControl): void {
    this.write = write;
    this.flow = flow;
    write(serialize.query(this.sql));
  }

  /** The consumer is full: leave the rest in the socket. Undone at the latest by ReadyForQuery. */
  pauseReading(): void {
    if (!this.done) this.flow?.pauseReading();
  }

  resumeReading(): void {
    // A finished COPY must not resume a later operation's pause.
    if (!this.done) this.flow?.resumeReading();
  }

  /**
   * The consumer gave up: asks the server to stop via `sendCancel` (a CancelRequest) when the
   * COPY is running, and holds the queue until that request is through, so it cannot land on
   * the next query. `sendCancel` may decline (return undefined); then the COPY runs to its end.
   */
  cancelOnServer(sendCancel: () => Promise<void> | undefined): void {
    if (this.done) return;
    // Not started yet: cancel as soon as the server starts sending.
    if (!this.started) this.pendingCancel = sendCancel;
    else this.sendCancel(sendCancel);
  }

  private sendCancel(sendCancel: () => Promise<void> | undefined): void {
    this.pendingCancel = undefined;
    // A wrong-direction COPY is already being ended with CopyFail.
    if (!this.flow || this.outcome.error) return;
    const sent = sendCancel();
    if (sent) this.flow.holdQueueUntil(sent);
  }

  handleMessage(message: BackendMessage): void {
    switch (message.name) {
      case 'copyOutResponse':
        this.started = true;
        if (this.pendingCancel) this.sendCancel(this.pendingCancel);
        return;
      case 'copyData':
        this.collect((message as unknown as CopyData).chunk);
        return;
      case 'copyDone':
        this.flush();
        return;
      case 'copyInResponse':
        this.outcome.fail(
          new UsageError('copyTo() needs a COPY … TO STDOUT statement; this one is COPY … FROM'),
        );
        this.started = true;
        // A COPY FROM waits for data: refuse it, the server answers with an error and ReadyForQuery.
        this.write?.(serialize.copyFail('copyTo() was given a COPY FROM STDIN statement'));
        return;
      default:
        this.outcome.note(message);
        return;
    }
  }

  /** Keeps a copy of the payload; joined and handed on at the end of this tick (or when large). */
  private collect(chunk: Uint8Array): void {
    this.receivedBytes += chunk.byteLength;
    if (this.outcome.error) return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.byteLength;
    if (this.pendingBytes >= CHUNK_BYTES) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pendingBytes === 0 && this.pending.length === 0) return;
    const joined = new Uint8Array(this.pendingBytes);
    let offset = 0;
    for (const part of this.pending) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.events.data(joined);
  }

  handleReadyForQuery(_status: TransactionStatus): void {
    if (this.done) return;
    this.done = true;
    this.flush();
    if (!this.started) {
      this.outcome.fail(
        new UsageError('copyTo() needs a COPY … TO STDOUT statement; the server did not start one'),
      );
    }
    this.outcome.report((error, rowCount) => this.events.finished(error, rowCount));
  }

  handleConnectionError(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.events.finished(this.outcome.lost(error), null);
  }
}
