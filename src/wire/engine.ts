/**
 * The connection state machine: bytes in, protocol messages and results out. No sockets, no
 * timers: a driver (the Client) feeds it the transport's bytes and writes what it emits.
 *
 * Lifecycle: `start()` writes the StartupMessage; authentication messages are answered as they
 * come; once the client side of authentication is done, queued operations are written without
 * waiting for the server's ReadyForQuery, so connect + auth + first query share round trips.
 *
 * Speculative authentication (`speculate`): when the driver knows which method the server will
 * ask for (configured, or remembered from the last connection to the same server), the engine
 * sends its answer before being asked — the cleartext password, or SCRAM's client-first
 * message — and for trust sends queries right behind the StartupMessage. If the server asks
 * for something else, nothing has run: the engine reports a mismatch and the driver reconnects
 * without speculating.
 *
 * Pipelining: operations are written back-to-back up to `maxPipeline` in flight; each ends in
 * its own Sync, so every ReadyForQuery finishes exactly the oldest in-flight operation.
 */
import '../core/buffer.js';
import { serialize } from 'pg-protocol';
import type {
  BackendKeyDataMessage,
  BackendMessage,
  CommandCompleteMessage,
  DatabaseError,
  NoticeMessage,
  NotificationResponseMessage,
  ParameterStatusMessage,
  ReadyForQueryMessage,
} from 'pg-protocol/dist/messages.js';
import { Parser } from 'pg-protocol/dist/parser.js';
import { AuthError, ConnectionError, ProtocolError } from '../core/errors.js';
import { Authenticator, type AuthMethod } from './authenticator.js';
import { COPY_DATA, DATA_ROW, decodeCopyData, decodeDataRow, Framer } from './framer.js';
import type { FlowControl, Operation, TransactionStatus, TransportFlow } from './operation.js';
import { type RetryableOperation, StatementCache } from './statement-cache.js';

export interface EngineOptions {
  user: string;
  /** Already resolved: password functions are called by the driver before `start()`. */
  password: string | undefined;
  /** StartupMessage parameters besides `user` (database, application_name, options, …). */
  startupParameters: Record<string, string>;
  /**
   * Answer this authentication method before the server asks (see the header comment).
   * `cleartext` is Neon's `pipelineConnect: 'password'`.
   */
  speculate?: AuthMethod;
  /** Most operations in flight at once; more wait their turn (back-pressure). */
  maxPipeline?: number;
  /** Most request bytes in flight at once (large parameters fill the window sooner). */
  maxPipelineBytes?: number;
  scramMaxIterations?: number;
  maxMessageBytes?: number;
  /** Most automatically prepared statements kept (see statement-cache.ts); 0/undefined = off. */
  statementCache?: number;
}

export type { AuthMethod } from './authenticator.js';

/**
 * Default pipeline window: deep, because every refill is a write on our side and a short read
 * and flush on the server's (measured on one local TCP connection, 10k `select $1::int`: a
 * window of 100 → ~72k, 1,000 → ~87k, 10,000 → ~115k queries/s), and bounded in bytes too, so
 * large parameters cannot pile up unboundedly in socket buffers.
 */
export const DEFAULT_MAX_PIPELINE = 10_000;
export const DEFAULT_MAX_PIPELINE_BYTES = 4 * 1024 * 1024;

export interface EngineEvents {
  /** The method the server asked for on this connection (for the driver's auth cache). */
  authMethod?(method: AuthMethod): void;
  /** Bytes to send. The driver coalesces them into transport writes. */
  write(data: Uint8Array): void;
  /** Startup finished: the first ReadyForQuery arrived. */
  ready(): void;
  /** The connection is unusable: protocol violation, fatal server error, auth failure. */
  fatal(error: Error): void;
  /**
   * The server did not ask for a cleartext password although one was pipelined: this
   * connection is spoiled, but nothing ran. The driver reconnects without pipelining and
   * re-submits `operations` (still unstarted from the caller's point of view).
   */
  pipelineMismatch(operations: Operation[]): void;
  notice(message: NoticeMessage): void;
  notification(message: NotificationResponseMessage): void;
  parameterStatus(name: string, value: string): void;
  /** Every operation finished and nothing waits. */
  drain(): void;
  /**
   * The transport's flow control (see FlowControl), handed to streaming operations. Without it
   * COPY still works, with no back-pressure.
   */
  flow?: TransportFlow;
}

type State = 'new' | 'authenticating' | 'startingUp' | 'ready' | 'closed';

export class WireEngine {
  private state: State = 'new';
  private readonly parser = new Parser();
  private readonly framer: Framer;
  private readonly inFlight: Operation[] = [];
  private readonly waiting: Operation[] = [];
  /**
   * Queries held for a transparent statement-cache retry (their Bind failed: nothing ran), in
   * the order they were sent. They are re-queued, ahead of everything, once nothing sent after
   * them is still in flight; if a query sent after them completes first (it ran), re-running
   * them would reorder them after it, so they reject with their errors instead. Nothing new is
   * sent while queries are held.
   */
  private readonly held: RetryableOperation[] = [];
  private readonly maxPipeline: number;
  private readonly refillBelow: number;
  private readonly maxPipelineBytes: number;
  /** Bytes sent by the in-flight operations, in the same order as `inFlight`. */
  private readonly inFlightSizes: number[] = [];
  private inFlightBytes = 0;
  private sentBytes = 0;
  /** True once the client has sent its last authentication message: queries may follow. */
  private authSent = false;
  private readonly auth: Authenticator;
  private exclusiveRunning = false;
  /** Whether an operation paused reading; undone when it finishes, whatever it forgot. */
  private readingPaused = false;
  private readonly flow: FlowControl;
  /** While set, waiting operations are not started (see FlowControl.holdQueueUntil). */
  private hold: Promise<void> | undefined;
  /** Terminate was written: nothing may follow it (a statement-cache retry is refused). */
  private terminating = false;
  /** This connection's automatic prepared statements; undefined when `statementCache` is off. */
  readonly statements: StatementCache | undefined;

  processID: number | null = null;
  secretKey: number | null = null;
  transactionStatus: TransactionStatus | null = null;
  readonly parameters: Record<string, string> = {};

  constructor(
    private readonly options: EngineOptions,
    private readonly events: EngineEvents,
  ) {
    this.maxPipeline = Math.max(1, options.maxPipeline ?? DEFAULT_MAX_PIPELINE);
    this.refillBelow = Math.floor(this.maxPipeline / 2);
    this.maxPipelineBytes = Math.max(1, options.maxPipelineBytes ?? DEFAULT_MAX_PIPELINE_BYTES);
    this.framer = new Framer(options.maxMessageBytes);
    // A new engine is a new server session: its cache starts empty.
    if (options.statementCache) {
      // A retry runs first, before anything queued, and only when nothing was sent after the
      // failed query: re-running it behind later queries could let them see (or change) the
      // state before it, unlike an uncached run.
      this.statements = new StatementCache(options.statementCache, (operation) => {
        if (this.state === 'closed' || this.terminating) return false;
        this.held.push(operation);
        return true;
      });
    }
    this.flow = {
      pauseReading: () => {
        if (this.readingPaused || this.state === 'closed' || !events.flow) return;
        this.readingPaused = true;
        events.flow.pauseReading();
      },
      resumeReading: () => this.resumeReading(),
      writable: () => events.flow?.writable() ?? Promise.resolve(),
      holdQueueUntil: (until) => this.holdQueueUntil(until),
    };
    this.auth = new Authenticator(options, {
      write: (data) => this.events.write(data),
      clientDone: () => this.authDone(),
      accepted: () => {
        this.state = 'startingUp';
        this.authDone();
      },
      mismatch: () => this.mismatch(),
      methodSeen: (method) => this.events.authMethod?.(method),
      fail: (error) => this.failAll(error, true),
      stillAuthenticating: () => this.state === 'authenticating',
    });
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** A streaming operation stopped reading from the transport (its consumer is full). */
  get isReadingPaused(): boolean {
    return this.readingPaused;
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Operations sent or waiting: the connection's load, used to pick the least busy connection. */
  get pendingCount(): number {
    return this.held.length + this.inFlight.length + this.waiting.length;
  }

  start(): void {
    if (this.state !== 'new') throw new ConnectionError('The connection was already started');
    this.state = 'authenticating';
    this.events.write(serialize.startup({ user: this.options.user, ...this.options.startupParameters }));
    this.auth.start();
  }

  /** Queues an operation; it is written as soon as authentication and the pipeline bound allow. */
  submit(operation: Operation): void {
    if (this.state === 'closed') {
      operation.handleConnectionError(new ConnectionError('Connection terminated'));
      return;
    }
    this.waiting.push(operation);
    this.pump();
  }

  /** Feeds bytes received from the transport. */
  feed(data: Uint8Array): void {
    if (this.state === 'closed') return;
    try {
      const buffer = Buffer.isBuffer(data)
        ? data
        : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      this.framer.push(buffer, this.onFrame);
    } catch (cause) {
      this.failAll(
        cause instanceof ProtocolError || cause instanceof AuthError
          ? cause
          : new ProtocolError(`Could not parse the server's message: ${(cause as Error).message}`, { cause }),
      );
    }
  }

  /**
   * One whole message from the framer: DataRow and CopyData (the bulk of a result or a COPY)
   * decoded here, the rest by pg-protocol.
   */
  private readonly onFrame = (code: number, buffer: Buffer, start: number, end: number): void => {
    if (code === DATA_ROW) {
      this.dispatch(decodeDataRow(buffer, start, end) as unknown as BackendMessage);
    } else if (code === COPY_DATA) {
      this.dispatch(decodeCopyData(buffer, start, end) as unknown as BackendMessage);
    } else {
      this.parser.parse(buffer.subarray(start, end), this.dispatchMessage);
    }
  };

  private readonly dispatchMessage = (message: BackendMessage): void => this.dispatch(message);

  /** The transport closed. `expected` when the user asked to end the connection. */
  closed(expected: boolean, cause?: Error): void {
    if (this.state === 'closed') return;
    let error: Error;
    if (expected) {
      error = new ConnectionError('Connection terminated');
    } else if (this.framer.midMessage) {
      error = new ConnectionError('Connection terminated unexpectedly in the middle of a message', { cause });
    } else {
      error = new ConnectionError('Connection terminated unexpectedly', { cause });
    }
    this.failAll(error, !expected);
  }

  /** The Terminate message; the driver writes it and then ends the transport. */
  terminate(): void {
    if (this.state === 'closed') return;
    this.terminating = true;
    this.events.write(serialize.end());
  }

  private pump(): void {
    if (!this.authSent || this.state === 'closed' || this.hold || this.held.length > 0) return;
    while (
      this.waiting.length > 0 &&
      !this.exclusiveRunning &&
      this.inFlight.length < this.maxPipeline &&
      // At least one operation always goes out, however large it is.
      (this.inFlight.length === 0 || this.inFlightBytes < this.maxPipelineBytes)
    ) {
      const next = this.waiting[0];
      if (next.exclusive && this.inFlight.length > 0) return;
      this.waiting.shift();
      this.sentBytes = 0;
      try {
        next.start(this.writeCounted, this.flow, this.statements);
      } catch (error) {
        next.handleConnectionError(error as Error);
        continue;
      }
      this.inFlight.push(next);
      this.inFlightSizes.push(this.sentBytes);
      this.inFlightBytes += this.sentBytes;
      if (next.exclusive) this.exclusiveRunning = true;
    }
  }

  /** Writes on behalf of the operation being started, counting its bytes for the byte bound. */
  private readonly writeCounted = (data: Uint8Array): void => {
    this.sentBytes += data.byteLength;
    this.events.write(data);
  };

  private dispatch(message: BackendMessage): void {
    switch (message.name) {
      case 'readyForQuery':
        this.onReadyForQuery((message as ReadyForQueryMessage).status as TransactionStatus);
        return;
      case 'error':
        this.onError(message as DatabaseError);
        return;
      case 'notice':
        this.events.notice(message as NoticeMessage);
        return;
      case 'notification':
        this.events.notification(message as NotificationResponseMessage);
        return;
      case 'parameterStatus': {
        const { parameterName, parameterValue } = message as ParameterStatusMessage;
        this.parameters[parameterName] = parameterValue;
        this.events.parameterStatus(parameterName, parameterValue);
        return;
      }
      case 'backendKeyData': {
        const { processID, secretKey } = message as BackendKeyDataMessage;
        this.processID = processID;
        this.secretKey = secretKey;
        return;
      }
      case 'commandComplete':
        // DISCARD ALL / DEALLOCATE ALL, from whichever operation ran it, empties the server's
        // set of prepared statements: forget ours too. (Then on to the operation, below.)
        if (this.statements && StatementCache.dropsAllStatements((message as CommandCompleteMessage).text)) {
          this.statements.discardAll();
        }
        break;
      case 'authenticationOk':
      case 'authenticationCleartextPassword':
      case 'authenticationMD5Password':
      case 'authenticationSASL':
      case 'authenticationSASLContinue':
      case 'authenticationSASLFinal':
        this.onAuthentication(message);
        return;
    }
    const head = this.inFlight[0];
    if (!head || this.state !== 'ready') {
      throw new ProtocolError(`Received unexpected ${message.name} message from backend.`);
    }
    head.handleMessage(message);
  }

  private onReadyForQuery(status: TransactionStatus): void {
    this.transactionStatus = status;
    if (this.state === 'startingUp') {
      this.state = 'ready';
      this.events.ready();
      return;
    }
    const head = this.inFlight.shift();
    if (!head) throw new ProtocolError('Received unexpected readyForQuery message from backend.');
    this.resumeReading();
    this.inFlightBytes -= this.inFlightSizes.shift() ?? 0;
    if (head.exclusive) this.exclusiveRunning = false;
    head.handleReadyForQuery(status);
    if (this.held.length > 0) this.settleHeld(head);
    // Refill in batches: once half the window has drained, not one query per answer. Each
    // refill is a transport write, so topping up one at a time costs a syscall per query.
    if (this.inFlight.length <= this.refillBelow && this.inFlightBytes <= this.maxPipelineBytes / 2)
      this.pump();
    if (this.inFlight.length === 0 && this.waiting.length === 0) this.events.drain();
  }

  private onError(error: DatabaseError): void {
    const head = this.inFlight[0];
    if (this.state === 'ready' && head) {
      head.handleMessage(error);
      return;
    }
    // An error during startup (bad password, unknown database) or with nothing in flight
    // (57P01 admin shutdown while idle) is the end of this connection.
    this.failAll(error, true);
  }

  private onAuthentication(message: BackendMessage): void {
    if (this.state !== 'authenticating') {
      throw new ProtocolError(`Received unexpected ${message.name} message from backend.`);
    }
    this.auth.handle(message);
  }

  private holdQueueUntil(until: Promise<void>): void {
    const hold = until.then(
      () => {},
      () => {},
    );
    this.hold = hold;
    hold.then(() => {
      if (this.hold !== hold) return;
      this.hold = undefined;
      this.pump();
    });
  }

  private resumeReading(): void {
    if (!this.readingPaused) return;
    this.readingPaused = false;
    this.events.flow?.resumeReading();
  }

  /** The client's last authentication message is out: queued queries can follow right behind it. */
  private authDone(): void {
    this.authSent = true;
    this.pump();
  }

  private mismatch(): void {
    const operations = [...this.held.splice(0), ...this.inFlight, ...this.waiting];
    this.inFlight.length = 0;
    this.waiting.length = 0;
    this.state = 'closed';
    this.events.pipelineMismatch(operations);
  }

  /** After `head` finished: re-queue the held retries, keep waiting, or give them up (see `held`). */
  private settleHeld(head: Operation): void {
    if (!this.held.includes(head as RetryableOperation)) {
      for (const operation of this.held.splice(0)) operation.abandonRetry();
    } else if (this.inFlight.length === 0) {
      this.waiting.unshift(...this.held.splice(0));
    } else {
      return;
    }
    this.pump();
  }

  /** Fails every operation and closes the engine. `report` also raises the error as fatal. */
  private failAll(error: Error, report = true): void {
    if (this.state === 'closed') return;
    const wasStarting = this.state !== 'ready';
    this.state = 'closed';
    this.resumeReading();
    const operations = [...this.held.splice(0), ...this.inFlight, ...this.waiting];
    this.inFlight.length = 0;
    this.waiting.length = 0;
    for (const operation of operations) operation.handleConnectionError(error);
    if (report || wasStarting) this.events.fatal(error);
  }
}
