/**
 * One pooled upstream connection for `/sql`: our wire engine over `openTcp`, the same pieces the
 * `Client` is built from, driven directly so that `/sql` can submit its own operations (raw
 * text rows, a whole batch under one Sync).
 */

import { serialize } from 'pg-protocol';
import { WriteCoalescer } from '../../client/write-coalescer.js';
import { openTcp } from '../../transport/tcp.js';
import type { Transport } from '../../transport/transport.js';
import { WireEngine } from '../../wire/engine.js';
import type { Operation, TransactionStatus } from '../../wire/operation.js';
import type { ConnectionInfo } from '../sql/request.js';
import { sendCancel, type UpstreamTarget } from '../upstream.js';
import { ResetOperation, resetSql } from './reset.js';

export class PooledConnection {
  /** When it last went idle, for the idle timeout. */
  idleSince = 0;
  /** A CancelRequest went out for it: it must never run anything else (the signal may land late). */
  cancelled = false;
  private closeListener: (() => void) | undefined;
  private closed = false;

  private constructor(
    readonly key: string,
    private readonly target: UpstreamTarget,
    private readonly engine: WireEngine,
    private readonly transport: Transport,
    private readonly writer: WriteCoalescer,
  ) {}

  /** Connects and authenticates; rejects with the upstream's DatabaseError or our own error. */
  static async open(target: UpstreamTarget, info: ConnectionInfo, key: string): Promise<PooledConnection> {
    let engine!: WireEngine;
    let connection: PooledConnection | undefined;
    let settle!: { resolve(): void; reject(error: Error): void };
    const ready = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    const transport = await openTcp(target, {
      data: (chunk) => engine.feed(chunk),
      close: (error) => {
        engine.closed(false, error);
        connection?.markClosed();
      },
    });
    const writer = new WriteCoalescer(transport);
    const startupParameters: Record<string, string> = { database: info.database };
    if (info.applicationName !== undefined) startupParameters.application_name = info.applicationName;
    engine = new WireEngine(
      { user: info.user, password: info.password, startupParameters },
      {
        write: (data) => writer.write(data),
        ready: () => settle.resolve(),
        fatal: (error) => {
          settle.reject(error);
          transport.destroy();
          connection?.markClosed();
        },
        pipelineMismatch: () => {}, // nothing is speculated
        notice: () => {}, // e.g. the reset's warnings
        notification: () => {}, // a request's LISTEN; UNLISTEN * in the reset ends them
        parameterStatus: () => {},
        drain: () => {},
      },
    );
    engine.start();
    try {
      await ready;
    } catch (error) {
      transport.destroy();
      throw error;
    }
    connection = new PooledConnection(key, target, engine, transport, writer);
    return connection;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Registers the pool's listener for the connection going away on its own. */
  onClose(listener: () => void): void {
    this.closeListener = listener;
  }

  run(operation: Operation): void {
    this.engine.submit(operation);
  }

  /** Resolves true when Neon's reset sequence left the session clean and idle. */
  reset(status: TransactionStatus): Promise<boolean> {
    return new Promise((resolve) => this.engine.submit(new ResetOperation(resetSql(status), resolve)));
  }

  /** Cancels whatever the backend runs now; the connection is then never reused. */
  cancel(): Promise<Error | undefined> {
    this.cancelled = true;
    const { processID, secretKey } = this.engine;
    if (processID === null || secretKey === null) return Promise.resolve(undefined);
    return sendCancel(this.target, serialize.cancel(processID, secretKey));
  }

  /** Terminate, then close the socket. */
  close(): void {
    if (this.closed) return;
    this.markClosed();
    this.engine.terminate();
    this.writer.flush();
    this.transport.end();
  }

  /** Closes the socket at once (a query that would not stop). */
  destroy(): void {
    this.markClosed();
    this.transport.destroy();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeListener?.();
  }
}
