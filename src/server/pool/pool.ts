/**
 * Warm upstream connections for `/sql`, keyed by (user, password, database, application_name).
 * The password is part of the key because we cannot check it ourselves: a request with a wrong
 * one never meets a connection opened with the right one, so it always reaches Postgres and
 * fails there, as on Neon (neon-http-protocol.md §3).
 *
 * Lifecycle of a connection: busy with one request → returned → reset (one round trip, sent
 * at once, while the response is already on its way) → idle or handed to the next waiter.
 * It is discarded instead when the request failed, left a transaction open, was cancelled, or
 * the reset did not come back clean. A request takes an idle connection if there is one
 * (most recently used first: its backend is warm), else waits for one being reset rather than
 * paying for a new backend, else opens one, up to the per-key limit, beyond which it queues.
 */
import type { TransactionStatus } from '../../wire/operation.js';
import type { Logger } from '../log.js';
import type { ConnectionInfo } from '../sql/request.js';

/** What the pool needs of a connection (`PooledConnection`, or a fake in tests). */
export interface PoolableConnection {
  readonly key: string;
  readonly isClosed: boolean;
  /** A CancelRequest went out for it: never reuse. */
  readonly cancelled: boolean;
  idleSince: number;
  onClose(listener: () => void): void;
  /** Resolves true when the session came back clean and idle. */
  reset(status: TransactionStatus): Promise<boolean>;
  close(): void;
}

/** Opens and authenticates a connection for `info`, tagged with the pool key. */
export type Connect<C extends PoolableConnection> = (info: ConnectionInfo, key: string) => Promise<C>;

interface Waiter<C> {
  resolve(connection: C): void;
  reject(error: Error): void;
  info: ConnectionInfo;
}

interface Group<C> {
  idle: C[];
  /** Open or opening, whatever their state. */
  size: number;
  resetting: number;
  waiters: Waiter<C>[];
}

export interface PoolSettings {
  maxConnectionsPerKey: number;
  idleTimeoutMillis: number;
}

export class UpstreamPool<C extends PoolableConnection> {
  private readonly groups = new Map<string, Group<C>>();
  private readonly connections = new Set<C>();
  private readonly sweeper: ReturnType<typeof setInterval>;
  private closed = false;

  constructor(
    private readonly connect: Connect<C>,
    private readonly settings: PoolSettings,
    private readonly log: Logger,
  ) {
    const every = Math.max(50, Math.min(settings.idleTimeoutMillis / 2, 10_000));
    this.sweeper = setInterval(() => this.closeIdle(), every);
    this.sweeper.unref();
  }

  /** Connections open now, for tests and diagnostics. */
  get size(): number {
    let total = 0;
    for (const group of this.groups.values()) total += group.size;
    return total;
  }

  acquire(info: ConnectionInfo): Promise<C> {
    if (this.closed) return Promise.reject(new Error('the server is shutting down'));
    const key = poolKey(info);
    let group = this.groups.get(key);
    if (!group) {
      group = { idle: [], size: 0, resetting: 0, waiters: [] };
      this.groups.set(key, group);
    }
    const idle = group.idle.pop();
    if (idle) return Promise.resolve(idle);
    const waitForReset = group.resetting > group.waiters.length;
    if (!waitForReset && group.size < this.settings.maxConnectionsPerKey) return this.open(group, key, info);
    return new Promise((resolve, reject) => group.waiters.push({ resolve, reject, info }));
  }

  /** Gives a connection back after a request that ended in `status` without an error. */
  release(connection: C, status: TransactionStatus): void {
    const group = this.groups.get(connection.key);
    if (!group || connection.isClosed || connection.cancelled || this.closed) {
      this.discard(connection);
      return;
    }
    group.resetting++;
    connection.reset(status).then((clean) => {
      group.resetting--;
      if (!clean || connection.isClosed || this.closed) {
        if (!connection.isClosed) this.log.debug('a pooled connection failed its reset; discarded');
        this.discard(connection);
        // Whoever waited for this reset now needs a connection of its own.
        this.serveWaiters(group, connection.key);
        return;
      }
      const waiter = group.waiters.shift();
      if (waiter) {
        waiter.resolve(connection);
        return;
      }
      connection.idleSince = Date.now();
      group.idle.push(connection);
    });
  }

  /** Closes a connection that must not be reused. */
  discard(connection: C): void {
    connection.close(); // the close listener does the bookkeeping
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const group of this.groups.values()) {
      for (const waiter of group.waiters.splice(0)) waiter.reject(new Error('the server is shutting down'));
    }
    // Idle ones end politely; busy ones too: their requests are being cut off anyway.
    for (const connection of this.connections) connection.close();
  }

  private async open(group: Group<C>, key: string, info: ConnectionInfo): Promise<C> {
    group.size++;
    let connection: C;
    try {
      connection = await this.connect(info, key);
    } catch (error) {
      group.size--;
      this.serveWaiters(group, key);
      throw error;
    }
    if (this.closed) {
      group.size--;
      connection.close();
      throw new Error('the server is shutting down');
    }
    this.connections.add(connection);
    connection.onClose(() => {
      this.connections.delete(connection);
      group.size--;
      const at = group.idle.indexOf(connection);
      if (at !== -1) group.idle.splice(at, 1);
      this.serveWaiters(group, key);
    });
    return connection;
  }

  /** Room freed up: the first waiter that no reset will serve opens a connection of its own. */
  private serveWaiters(group: Group<C>, key: string): void {
    if (this.closed) return;
    while (group.waiters.length > group.resetting && group.size < this.settings.maxConnectionsPerKey) {
      const waiter = group.waiters.shift()!;
      this.open(group, key, waiter.info).then(waiter.resolve, waiter.reject);
    }
    if (group.size === 0 && group.waiters.length === 0) this.groups.delete(key);
  }

  private closeIdle(): void {
    const deadline = Date.now() - this.settings.idleTimeoutMillis;
    for (const group of this.groups.values()) {
      // Oldest first: the stack's bottom went idle earliest.
      while (group.idle.length > 0 && group.idle[0].idleSince <= deadline) {
        const connection = group.idle.shift()!;
        this.log.debug('closing an idle pooled connection');
        connection.close();
      }
    }
  }
}

/** NUL cannot appear in any of these, so the joined key is unambiguous. */
function poolKey(info: ConnectionInfo): string {
  return `${info.user}\0${info.password ?? '\u0001'}\0${info.database}\0${info.applicationName ?? ''}`;
}
