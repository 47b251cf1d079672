/**
 * Managed transactions (`runTransaction`, `client.transaction`, `pool.transaction`) against a real
 * PostgreSQL: deadlocks and serialization failures are retried, other errors are not, savepoints,
 * timeouts, abort, retry budget, and commit-unknown handling (through a scripted connection).
 */
import { DatabaseError } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import {
  CommitUnknownError,
  type ConnectionProvider,
  runTransaction,
  type Transaction,
} from '../../src/client/transaction.js';
import { AbortError, ConnectionError, UsageError } from '../../src/core/errors.js';
import { Result } from '../../src/core/result.js';
import { Pool } from '../../src/pool/pool.js';
import { clientConfig } from '../setup/pg.js';

const fast = { initialRetryDelayMs: 5, retryDelayJitter: 0.2 };

function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= parties) open();
    return opened;
  };
}

function sqlError(code: string, message = 'scripted'): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

let pool: Pool;
let admin: Client;
const table = `edgepg_tx_${process.pid}`;

beforeAll(async () => {
  pool = new Pool({ ...clientConfig(), max: 6 });
  pool.on('error', () => {});
  admin = new Client(clientConfig());
  await admin.connect();
  await admin.query(`drop table if exists ${table}`);
  await admin.query(`create table ${table} (id int primary key, n int not null)`);
});

afterAll(async () => {
  await admin.query(`drop table if exists ${table}`);
  await admin.end();
  await pool.end();
});

async function reset(...rows: [number, number][]): Promise<void> {
  await admin.query(`truncate ${table}`);
  for (const [id, n] of rows) await admin.query(`insert into ${table} values ($1, $2)`, [id, n]);
}

async function counterOf(id: number): Promise<number | undefined> {
  const { rows } = await admin.query(`select n from ${table} where id = $1`, [id]);
  return rows[0]?.n;
}

describe('retries', () => {
  it('two transactions that deadlock each other both complete; each re-run once per 40P01', async () => {
    await reset([1, 0], [2, 0]);
    const meet = barrier(2);
    let attempts = 0;
    const errors: string[] = [];
    const run = (first: number, second: number) =>
      pool.transaction(async (tx) => {
        attempts += 1;
        await tx.query("set local deadlock_timeout = '100ms'");
        await tx.query(`update ${table} set n = n + 1 where id = $1`, [first]);
        if (tx.attempt === 1) await meet();
        try {
          await tx.query(`update ${table} set n = n + 1 where id = $1`, [second]);
        } catch (err) {
          errors.push((err as DatabaseError).code ?? '?');
          throw err;
        }
        return tx.attempt;
      }, fast);
    const results = await Promise.all([run(1, 2), run(2, 1)]);
    // Usually one side is chosen as the victim (3 attempts). On a loaded machine both deadlock
    // checks can fire before either aborts, and both are victims: then 4. Either way every run
    // beyond the first of each function answers exactly one 40P01.
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(new Set(errors)).toEqual(new Set(['40P01']));
    expect(attempts).toBe(2 + errors.length);
    expect(results.reduce((sum, attempt) => sum + attempt, 0)).toBe(2 + errors.length);
    expect(await counterOf(1)).toBe(2);
    expect(await counterOf(2)).toBe(2);
  });

  it('two conflicting SERIALIZABLE read-modify-writes both complete; 40001 was retried', async () => {
    await reset([1, 0]);
    const meet = barrier(2);
    let attempts = 0;
    const errors: string[] = [];
    const increment = () =>
      pool.transaction(
        async (tx) => {
          attempts += 1;
          const { rows } = await tx.query(`select n from ${table} where id = 1`);
          if (tx.attempt === 1) await meet();
          try {
            await tx.query(`update ${table} set n = $1 where id = 1`, [rows[0].n + 1]);
          } catch (err) {
            errors.push((err as DatabaseError).code ?? '?');
            throw err;
          }
        },
        { ...fast, isolationLevel: 'serializable' },
      );
    await Promise.all([increment(), increment()]);
    expect(attempts).toBe(3);
    expect(errors).toEqual(['40001']);
    expect(await counterOf(1)).toBe(2);
  });

  it('a non-retryable error (22012) is thrown at once, after one run, and rolled back', async () => {
    await reset([1, 0]);
    let attempts = 0;
    const failing = pool.transaction(async (tx) => {
      attempts += 1;
      await tx.query(`update ${table} set n = 5 where id = 1`);
      await tx.query('select 1/0');
    }, fast);
    await expect(failing).rejects.toMatchObject({ code: '22012' });
    expect(attempts).toBe(1);
    expect(await counterOf(1)).toBe(0);
  });

  it('honours maxRetryTimeMs: gives up and rethrows the last 40001', async () => {
    let attempts = 0;
    const thrown: DatabaseError[] = [];
    const failing = pool.transaction(
      () => {
        attempts += 1;
        const err = sqlError('40001', `attempt ${attempts}`);
        thrown.push(err);
        throw err;
      },
      { initialRetryDelayMs: 50, retryDelayMultiplier: 2, retryDelayJitter: 0, maxRetryTimeMs: 1_000 },
    );
    const err = await failing.catch((e: unknown) => e);
    // Waits 50, 100, 200, 400 (750 ms); the next one (800) would pass the 1 s budget, so never
    // more than 5 attempts. Fewer when BEGIN/ROLLBACK are slow (a loaded machine): the budget
    // counts them too. The first retry (50 ms) always fits.
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThanOrEqual(5);
    expect(err).toBe(thrown.at(-1));
  });

  it('maxRetryTimeMs 0 disables retries', async () => {
    let attempts = 0;
    await expect(
      pool.transaction(
        () => {
          attempts += 1;
          throw sqlError('40P01');
        },
        { maxRetryTimeMs: 0 },
      ),
    ).rejects.toMatchObject({ code: '40P01' });
    expect(attempts).toBe(1);
  });

  it('pool: a connection lost before COMMIT is retried on a fresh connection', async () => {
    await reset([1, 0]);
    const pids: number[] = [];
    const result = await pool.transaction(async (tx) => {
      const { rows } = await tx.query('select pg_backend_pid() as pid');
      pids.push(rows[0].pid);
      await tx.query(`update ${table} set n = n + 1 where id = 1`);
      if (tx.attempt === 1) await admin.query('select pg_terminate_backend($1)', [rows[0].pid]);
      await tx.query('select 1');
      return 'done';
    }, fast);
    expect(result).toBe('done');
    expect(pids).toHaveLength(2);
    expect(pids[0]).not.toBe(pids[1]);
    expect(await counterOf(1)).toBe(1);
  });

  it('pool: 20 concurrent SERIALIZABLE read-modify-writes on one counter lose no update', async () => {
    await reset([1, 0]);
    let attempts = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        pool.transaction(
          async (tx) => {
            attempts += 1;
            const { rows } = await tx.query(`select n from ${table} where id = 1`);
            await tx.query(`update ${table} set n = $1 where id = 1`, [rows[0].n + 1]);
          },
          { initialRetryDelayMs: 10, isolationLevel: 'Serializable' },
        ),
      ),
    );
    expect(await counterOf(1)).toBe(20);
    expect(attempts).toBeGreaterThanOrEqual(20);
    expect(pool.idleCount).toBe(pool.totalCount); // every checkout was released
  });
});

describe('transaction shape', () => {
  it('returns the result, and BEGIN carries isolation level, access mode and deferrable', async () => {
    const seen = await pool.transaction(
      async (tx) => {
        const { rows } = await tx.query(
          "select current_setting('transaction_isolation') as iso, current_setting('transaction_read_only') as ro, current_setting('transaction_deferrable') as d",
        );
        return rows[0];
      },
      { isolationLevel: 'RepeatableRead', readOnly: true, deferrable: true },
    );
    expect(seen).toEqual({ iso: 'repeatable read', ro: 'on', d: 'on' });
    const serial = await pool.transaction(
      async (tx) => (await tx.query("select current_setting('transaction_isolation') as iso")).rows[0].iso,
      { isolationLevel: 'serializable' },
    );
    expect(serial).toBe('serializable');
  });

  it('readOnly rejects writes (25006) without retry', async () => {
    let attempts = 0;
    await expect(
      pool.transaction(
        async (tx) => {
          attempts += 1;
          await tx.query(`insert into ${table} values (99, 0)`);
        },
        { readOnly: true },
      ),
    ).rejects.toMatchObject({ code: '25006' });
    expect(attempts).toBe(1);
  });

  it('savepoints: a failed inner transaction is rolled back, the outer one commits', async () => {
    await reset();
    await pool.transaction(async (tx) => {
      await tx.query(`insert into ${table} values (1, 1)`);
      await expect(
        tx.transaction(async (inner) => {
          expect(inner.depth).toBe(1);
          await inner.query(`insert into ${table} values (2, 2)`);
          await inner.query('select 1/0');
        }),
      ).rejects.toMatchObject({ code: '22012' });
      const kept = await tx.transaction(async (inner) => {
        await inner.query(`insert into ${table} values (3, 3)`);
        // Two levels deep, failing, caught inside.
        await inner
          .transaction(async (deeper) => {
            await deeper.query(`insert into ${table} values (4, 4)`);
            throw new Error('boom');
          })
          .catch(() => {});
        return 'kept';
      });
      expect(kept).toBe('kept');
      await tx.query(`insert into ${table} values (5, 5)`);
    });
    const { rows } = await admin.query(`select id from ${table} order by id`);
    expect(rows.map((r) => r.id)).toEqual([1, 3, 5]);
  });

  it('a swallowed error makes COMMIT roll back, and that error is thrown', async () => {
    await reset();
    let attempts = 0;
    await expect(
      pool.transaction(async (tx) => {
        attempts += 1;
        await tx.query(`insert into ${table} values (1, 1)`);
        await tx.query('select 1/0').catch(() => {});
      }),
    ).rejects.toMatchObject({ code: '22012' });
    expect(attempts).toBe(1);
    expect(await counterOf(1)).toBeUndefined();
  });

  it('timeoutMs sets a local statement_timeout: 57014, not retried, not left behind', async () => {
    let attempts = 0;
    await expect(
      pool.transaction(
        async (tx) => {
          attempts += 1;
          await tx.query('select pg_sleep(2)');
        },
        { timeoutMs: 50 },
      ),
    ).rejects.toMatchObject({ code: '57014' });
    expect(attempts).toBe(1);
    const c = await pool.connect();
    try {
      const { rows } = await c.query('show statement_timeout');
      expect(rows[0].statement_timeout).toBe('0');
    } finally {
      c.release();
    }
  });

  it('an aborted signal rejects with AbortError before anything runs', async () => {
    const fresh = new Pool({ ...clientConfig(), max: 1 });
    try {
      let ran = 0;
      const controller = new AbortController();
      controller.abort(new Error('stop'));
      const err = await fresh
        .transaction(
          () => {
            ran += 1;
          },
          { signal: controller.signal },
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AbortError);
      expect((err as AbortError).code).toBe('EDGEPG_ABORTED');
      expect(ran).toBe(0);
      expect(fresh.totalCount).toBe(0);
    } finally {
      await fresh.end();
    }
  });

  it('aborting during the backoff wait stops retrying', async () => {
    const controller = new AbortController();
    let attempts = 0;
    const failing = pool.transaction(
      () => {
        attempts += 1;
        setTimeout(() => controller.abort(), 20);
        throw sqlError('40001');
      },
      { initialRetryDelayMs: 5_000, signal: controller.signal },
    );
    const err = await failing.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AbortError);
    expect((err as AbortError).cause).toMatchObject({ code: '40001' });
    expect(attempts).toBe(1);
  });

  it('queries through a finished transaction are refused', async () => {
    let saved: Transaction | undefined;
    await pool.transaction((tx) => {
      saved = tx;
    });
    await expect(saved?.query('select 1')).rejects.toBeInstanceOf(UsageError);
  });

  it('invalid options are rejected before anything runs', async () => {
    await expect(pool.transaction(() => 1, { isolationLevel: 'chaos' as never })).rejects.toMatchObject({
      code: 'EDGEPG_CONFIG',
    });
    await expect(pool.transaction(() => 1, { timeoutMs: -1 })).rejects.toMatchObject({
      code: 'EDGEPG_CONFIG',
    });
  });
});

describe('client.transaction', () => {
  it('commits, rolls back, and runs concurrent transactions one after another', async () => {
    await reset([1, 0]);
    const client = new Client(clientConfig());
    await client.connect();
    try {
      await Promise.all(
        Array.from({ length: 5 }, () =>
          client.transaction(async (tx) => {
            const { rows } = await tx.query(`select n from ${table} where id = 1`);
            await new Promise((resolve) => setTimeout(resolve, 2));
            await tx.query(`update ${table} set n = $1 where id = 1`, [rows[0].n + 1]);
          }),
        ),
      );
      expect(await counterOf(1)).toBe(5);
      await expect(
        client.transaction(async (tx) => {
          await tx.query(`update ${table} set n = 100 where id = 1`);
          throw new Error('nope');
        }),
      ).rejects.toThrow('nope');
      expect(await counterOf(1)).toBe(5);
      expect(client.getTransactionStatus()).toBe('I');
    } finally {
      await client.end();
    }
  });

  it('refuses to start inside a transaction the caller opened', async () => {
    const client = new Client(clientConfig());
    await client.connect();
    try {
      await client.query('begin');
      await expect(client.transaction(() => 1)).rejects.toBeInstanceOf(UsageError);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });

  it('a lost connection is not retried on a lone client', async () => {
    const client = new Client(clientConfig());
    client.on('error', () => {});
    await client.connect();
    let attempts = 0;
    try {
      const err = await client
        .transaction(async (tx) => {
          attempts += 1;
          await admin.query('select pg_terminate_backend($1)', [client.processID]);
          await tx.query('select 1');
        }, fast)
        .catch((e: unknown) => e);
      expect(attempts).toBe(1);
      expect(err instanceof ConnectionError || (err as DatabaseError).code === '57P01').toBe(true);
    } finally {
      await client.end().catch(() => {});
    }
  });
});

describe('COMMIT with an unknown outcome (scripted connection)', () => {
  function scripted(commitFailures: number) {
    const log: string[] = [];
    const released: unknown[] = [];
    let failures = commitFailures;
    const client = {
      getTransactionStatus: () => 'I',
      query: async (text: string) => {
        log.push(text);
        if (text === 'COMMIT' && failures > 0) {
          failures -= 1;
          throw new ConnectionError('Connection terminated unexpectedly');
        }
        const result = new Result();
        result.command = text.split(' ')[0];
        return result;
      },
    };
    const provider: ConnectionProvider = {
      reconnects: true,
      acquire: async () => ({ client: client as never, release: (err) => released.push(err) }),
    };
    return { log, released, provider };
  }

  it('raises CommitUnknownError with the cause, and does not retry by default', async () => {
    const { log, released, provider } = scripted(1);
    let attempts = 0;
    const err = await runTransaction(
      provider,
      () => {
        attempts += 1;
      },
      fast,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitUnknownError);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as CommitUnknownError).code).toBe('EDGEPG_COMMIT_UNKNOWN');
    expect((err as CommitUnknownError).cause).toBeInstanceOf(ConnectionError);
    expect(attempts).toBe(1);
    expect(log).toEqual(['BEGIN', 'COMMIT']);
    expect(released[0]).toBeInstanceOf(ConnectionError); // the connection is destroyed
  });

  it('retries when the function is declared idempotent', async () => {
    const { log, provider } = scripted(1);
    let attempts = 0;
    const result = await runTransaction(
      provider,
      () => {
        attempts += 1;
        return 'ok';
      },
      { ...fast, idempotent: true, isolationLevel: 'ReadCommitted', timeoutMs: 1000 },
    );
    expect(result).toBe('ok');
    expect(attempts).toBe(2);
    const begin = 'BEGIN ISOLATION LEVEL READ COMMITTED; SET LOCAL statement_timeout = 1000';
    expect(log).toEqual([begin, 'COMMIT', begin, 'COMMIT']);
  });
});
