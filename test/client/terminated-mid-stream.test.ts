/**
 * A backend ended by pg_terminate_backend sends FATAL 57P01 before closing. A plain query
 * already rejects with that DatabaseError (not a generic ConnectionError); so do a suspended
 * cursor, a COPY TO being read and a COPY FROM being written. Over TCP and WebSocket.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { DatabaseError } from '../../src/core/database-error.js';
import { clientConfig } from '../setup/pg.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

/** Ends the victim's backend from another connection. */
async function terminate(victim: Client): Promise<void> {
  const killer = new Client(clientConfig());
  await killer.connect();
  const { rows } = await killer.query('select pg_terminate_backend($1) as ended', [victim.processID]);
  expect(rows).toEqual([{ ended: true }]);
  await killer.end();
}

function expectTerminated(error: unknown): void {
  expect(error).toBeInstanceOf(DatabaseError);
  expect((error as DatabaseError).code).toBe('57P01');
}

describe.each(transports)('FATAL 57P01 mid-stream over %s', (transport) => {
  async function victim(): Promise<{ client: Client; errors: Error[] }> {
    const client = new Client(configFor(transport));
    const errors: Error[] = [];
    client.on('error', (error: Error) => errors.push(error));
    await client.connect();
    return { client, errors };
  }

  it('a suspended cursor rejects with the server error', async () => {
    const { client, errors } = await victim();
    const cursor = client.cursor('select g from generate_series(1, 1000000) g', [], { fetchSize: 10 });
    expect(await cursor.nextBatch()).toHaveLength(10);
    await terminate(client);
    const failure = await cursor.nextBatch().then(
      () => undefined,
      (error: unknown) => error,
    );
    expectTerminated(failure);
    expect(errors.length).toBeLessThanOrEqual(1);
    await client.end();
  });

  it('a COPY TO being read rejects with the server error', async () => {
    const { client } = await victim();
    // Rows come slowly, so the backend is sleeping, not blocked mid-send, when it is ended: one
    // ended halfway through writing a message sends no FATAL (the stream just stops mid-message).
    const stream = client.copyTo(
      "copy (select repeat('x', 1000), pg_sleep(0.005) from generate_series(1, 100000)) to stdout",
    );
    const done = stream.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    const reader = stream.getReader();
    await reader.read();
    await terminate(client);
    let readFailure: unknown;
    try {
      while (!(await reader.read()).done);
    } catch (error) {
      readFailure = error;
    }
    expectTerminated(readFailure);
    expectTerminated(await done);
    await client.end();
  });

  it('a COPY FROM being written rejects with the server error', async () => {
    const { client } = await victim();
    await client.query('create temp table copy_target (a int)');
    const stream = client.copyFrom('copy copy_target from stdin');
    const done = stream.done.then(
      () => undefined,
      (error: unknown) => error,
    );
    const writer = stream.getWriter();
    await writer.write('1\n');
    await terminate(client);
    await writer.close().catch(() => {});
    expectTerminated(await done);
    await client.end();
  });
});
