/**
 * What the engine runs: one unit of work that owns the protocol stream from when it is sent
 * until its ReadyForQuery. Every operation ends with its own Sync (or, for the simple protocol,
 * the server's implicit one), so the FIFO of in-flight operations and the stream of
 * ReadyForQuery messages line up one to one: that is what makes pipelining safe, and why one
 * failing query cannot poison its neighbours.
 */
import type { BackendMessage } from 'pg-protocol/dist/messages.js';
import type { StatementCache } from './statement-cache.js';

/** Writes one frontend message (already serialised) to the connection. */
export type WriteMessage = (message: Uint8Array) => void;

/**
 * The transport's flow control, for an operation that streams (COPY): only the queue head
 * uses it, so pausing never holds up anyone else's results.
 */
export interface FlowControl {
  /** Stop reading from the transport (the server blocks once the network buffers fill). */
  pauseReading(): void;
  resumeReading(): void;
  /** Resolves once what was written is accepted by the transport below its buffer bound. */
  writable(): Promise<void>;
  /**
   * Operations queued behind this one start only once `until` has settled, even after this
   * one's ReadyForQuery: a CancelRequest still on its way must find no later query to cancel.
   */
  holdQueueUntil(until: Promise<void>): void;
}

/** The part of FlowControl the driver supplies from its transport. */
export type TransportFlow = Omit<FlowControl, 'holdQueueUntil'>;

export interface Operation {
  /**
   * An exclusive operation (a cursor, a COPY stream, a custom Submittable) drives the protocol
   * itself across several round trips: it waits for an empty pipeline and holds the connection
   * until its ReadyForQuery.
   */
  readonly exclusive: boolean;
  /**
   * Sends the operation's messages. Throwing here (a parameter that cannot be serialised, a
   * reused statement name) fails this operation alone: nothing of it was written. `flow` is
   * there when the driver's transport supports flow control. `statements` is the connection's
   * automatic prepared-statement cache, when it is enabled (only plain queries use it).
   */
  start(write: WriteMessage, flow?: FlowControl, statements?: StatementCache): void;
  /** Every backend message between start and ReadyForQuery that is not connection-level. */
  handleMessage(message: BackendMessage): void;
  /** The operation's ReadyForQuery: it is finished and the next one owns the stream. */
  handleReadyForQuery(status: TransactionStatus): void;
  /** The connection failed or closed before the operation finished. Called at most once. */
  handleConnectionError(error: Error): void;
}

/** ReadyForQuery's transaction status: idle, in a transaction block, or in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E';
