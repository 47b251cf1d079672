/**
 * The pool's bookkeeping with fake connections: reuse order, per-key limits, waiting for a
 * reset rather than opening, discard rules, failed resets and opens, idle timeout, shutdown.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from '../../src/server/log.js';
import { type PoolableConnection, UpstreamPool } from '../../src/server/pool/pool.js';
import type { ConnectionInfo } from '../../src/server/sql/request.js';
import type { TransactionStatus } from '../../src/wire/operation.js';

class FakeConnection implements PoolableConnection {
  static next = 1;
  readonly id = FakeConnection.next++;
  isClosed = false;
  cancelled = false;
  idleSince = 0;
  /** Resolvers of resets in progress: the test decides when and how they end. */
  readonly resets: { status: TransactionStatus; finish(clean: boolean): void }[] = [];
  private listener: (() => void) | undefined;

  constructor(readonly key: string) {}

  onClose(listener: () => void): void {
    this.listener = listener;
  }

  reset(status: TransactionStatus): Promise<boolean> {
    return new Promise((resolve) => this.resets.push({ status, finish: resolve }));
  }

  close(): void {
    this.die();
  }

  /** The server side went away. */
  die(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.listener?.();
  }

  /** Ends the pending reset and lets the pool's continuation run. */
  async finishReset(clean = true): Promise<void> {
    this.resets.shift()?.finish(clean);
    await flush();
  }
}

const flush = () => new Promise((resolve) => setImmediate(resolve));
const info = (user = 'u', password = 'p'): ConnectionInfo => ({
  user,
  password,
  database: 'db',
  applicationName: undefined,
});

let pool: UpstreamPool<FakeConnection>;
let opened: FakeConnection[];
let failNextOpen: Error | undefined;

function makePool(maxConnectionsPerKey = 2, idleTimeoutMillis = 60_000) {
  opened = [];
  failNextOpen = undefined;
  pool = new UpstreamPool<FakeConnection>(
    async (_info, key) => {
      await flush();
      if (failNextOpen) {
        const error = failNextOpen;
        failNextOpen = undefined;
        throw error;
      }
      const connection = new FakeConnection(key);
      opened.push(connection);
      return connection;
    },
    { maxConnectionsPerKey, idleTimeoutMillis },
    new Logger(undefined, false),
  );
  return pool;
}

afterEach(async () => {
  await pool?.close();
});

/** A promise's state without waiting for it. */
async function state<T>(promise: Promise<T>): Promise<'pending' | T> {
  return Promise.race([promise, flush().then(() => 'pending' as const)]);
}

describe('UpstreamPool', () => {
  it('reuses the most recently returned connection after its reset', async () => {
    makePool(3);
    const [a, b] = await Promise.all([pool.acquire(info()), pool.acquire(info())]);
    pool.release(a, 'I');
    pool.release(b, 'I');
    await a.finishReset();
    await b.finishReset();
    expect(await pool.acquire(info())).toBe(b);
    expect(await pool.acquire(info())).toBe(a);
    expect(opened).toHaveLength(2);
  });

  it('ROLLBACK only for a connection left in a transaction', async () => {
    makePool();
    const a = await pool.acquire(info());
    pool.release(a, 'E');
    expect(a.resets[0].status).toBe('E');
  });

  it('keys by user, password and database: a different password never shares', async () => {
    makePool();
    const a = await pool.acquire(info('u', 'right'));
    pool.release(a, 'I');
    await a.finishReset();
    const b = await pool.acquire(info('u', 'wrong'));
    expect(b).not.toBe(a);
    expect(await pool.acquire(info('u', 'right'))).toBe(a);
  });

  it('queues beyond maxConnectionsPerKey and serves the queue as connections come back', async () => {
    makePool(2);
    const a = await pool.acquire(info());
    await pool.acquire(info());
    const third = pool.acquire(info());
    expect(await state(third)).toBe('pending');
    pool.release(a, 'I');
    expect(await state(third)).toBe('pending'); // still resetting
    await a.finishReset();
    expect(await third).toBe(a);
    expect(opened).toHaveLength(2);
  });

  it('waits for a connection being reset rather than opening a new backend', async () => {
    makePool(5);
    const a = await pool.acquire(info());
    pool.release(a, 'I');
    const next = pool.acquire(info());
    await flush();
    expect(opened).toHaveLength(1);
    await a.finishReset();
    expect(await next).toBe(a);
  });

  it('a failed reset discards the connection and the waiter gets a new one', async () => {
    makePool(1);
    const a = await pool.acquire(info());
    pool.release(a, 'I');
    const next = pool.acquire(info());
    await a.finishReset(false);
    expect(a.isClosed).toBe(true);
    const b = await next;
    expect(b).not.toBe(a);
  });

  it('a connection dying during its reset does not strand the waiter', async () => {
    makePool(1);
    const a = await pool.acquire(info());
    pool.release(a, 'I');
    const next = pool.acquire(info());
    a.die();
    await a.finishReset(false);
    expect(await next).not.toBe(a);
  });

  it('discards cancelled connections instead of resetting them, freeing the slot', async () => {
    makePool(1);
    const a = await pool.acquire(info());
    const next = pool.acquire(info());
    a.cancelled = true;
    pool.release(a, 'I');
    expect(a.resets).toHaveLength(0);
    expect(a.isClosed).toBe(true);
    expect(await next).not.toBe(a);
  });

  it('discard() frees a slot for a waiter', async () => {
    makePool(1);
    const a = await pool.acquire(info());
    const next = pool.acquire(info());
    pool.discard(a);
    expect(await next).not.toBe(a);
  });

  it('an idle connection that dies is dropped from the pool', async () => {
    makePool(1);
    const a = await pool.acquire(info());
    pool.release(a, 'I');
    await a.finishReset();
    a.die();
    expect(pool.size).toBe(0);
    expect(await pool.acquire(info())).not.toBe(a);
  });

  it('a failed open rejects its requester, and the next waiter tries again', async () => {
    makePool(1);
    failNextOpen = new Error('password authentication failed');
    const first = pool.acquire(info());
    await expect(first).rejects.toThrow('password authentication failed');
    expect(pool.size).toBe(0);
    expect(await pool.acquire(info())).toBeInstanceOf(FakeConnection);
  });

  it('closes connections idle longer than idleTimeoutMillis', async () => {
    makePool(2, 100);
    const a = await pool.acquire(info());
    pool.release(a, 'I');
    await a.finishReset();
    expect(a.isClosed).toBe(false);
    await expect.poll(() => a.isClosed, { timeout: 2000 }).toBe(true);
    expect(pool.size).toBe(0);
  });

  it('close() rejects waiters and closes every connection, busy ones included', async () => {
    makePool(1);
    const busy = await pool.acquire(info());
    const waiting = pool.acquire(info());
    await pool.close();
    await expect(waiting).rejects.toThrow('shutting down');
    expect(busy.isClosed).toBe(true);
    await expect(pool.acquire(info())).rejects.toThrow('shutting down');
  });
});
