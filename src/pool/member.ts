/**
 * One pooled connection and what the pool knows about it.
 *
 * States: `connecting` (opened for a `connect()` waiter), `shared` (running `pool.query()`
 * calls; also while it connects for them), `exclusive` (checked out), `idle`, `removed`.
 */
import type { Client } from '../client/client.js';

/** A client checked out with `pool.connect()`. A truthy `release` argument destroys it. */
export type PoolClient = Client & {
  release(err?: Error | boolean): void;
  _poolUseCount?: number;
};

export type MemberState = 'connecting' | 'shared' | 'exclusive' | 'idle' | 'removed';

export class Member {
  /** `pool.query()` calls in flight on it. */
  load = 0;
  /** Checkouts and pool queries it has served (mirrored to `client._poolUseCount`). */
  uses = 0;
  /** Takes no new `pool.query()` calls: it drains for a waiting `connect()`. */
  reserved = false;
  /** `'connect'` has been emitted. */
  announced = false;
  /** The pool's connection timeout fired before the client connected. */
  timedOut = false;
  idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Settles once the connection is up (and announced) or has failed. */
  readonly ready: Promise<void>;
  #resolve!: () => void;
  #reject!: (error: Error) => void;

  constructor(
    readonly client: PoolClient,
    public state: MemberState,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Nobody may be waiting on it (a connection opened for a connect() waiter).
    this.ready.catch(() => {});
  }

  settleReady(error?: Error): void {
    if (error) this.#reject(error);
    else this.#resolve();
  }

  clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
