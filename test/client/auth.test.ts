/**
 * The auth matrix: every method the server can ask for, with and without pipelined connect.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { DatabaseError } from '../../src/core/database-error.js';
import { AuthError } from '../../src/core/errors.js';
import { clientConfig, type PgRole } from '../setup/pg.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

const roles: PgRole[] = ['trust', 'password', 'md5', 'scram'];

describe.each(transports)('authentication over %s', (transport) => {
  for (const role of roles) {
    for (const pipelineConnect of [false, 'password'] as const) {
      it(`${role} with pipelineConnect=${pipelineConnect}`, async () => {
        const client = new Client({ ...configFor(transport, role), pipelineConnect });
        // Issued before connect: with a pipelined connect it rides in the first flight.
        const early = client.query('select current_user as u');
        await client.connect();
        expect((await early).rows[0].u).toBe(clientConfig(role).user);
        expect(client.transportKind).toBe(transport);
        const { rows } = await client
          .query('select auth_method from pg_stat_activity where pid = pg_backend_pid()')
          .catch(() => ({ rows: [] }));
        expect(rows.length).toBeLessThanOrEqual(1);
        await client.end();
      });
    }
  }

  for (const role of ['password', 'md5', 'scram'] as const) {
    for (const pipelineConnect of [false, 'password'] as const) {
      it(`wrong password for ${role} (pipelineConnect=${pipelineConnect}) is 28P01 with a clear message`, async () => {
        const config = { ...configFor(transport, role), password: 'definitely-wrong', pipelineConnect };
        const client = new Client(config);
        const early = client.query('select 1');
        const error = await client.connect().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(DatabaseError);
        expect(error).toMatchObject({ code: '28P01' });
        expect((error as Error).message).toMatch(/password authentication failed for user/);
        await expect(early).rejects.toBe(error);
        await expect(client.query('select 1')).rejects.toThrow(/not queryable/);
      });
    }
  }

  it('a missing password is a clear AuthError, not a crash', async () => {
    const { password: _omit, ...config } = configFor(transport, 'scram');
    const saved = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    try {
      const error = await new Client(config).connect().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AuthError);
      expect((error as Error).message).toMatch(/password/);
    } finally {
      if (saved !== undefined) process.env.PGPASSWORD = saved;
    }
  });

  it('accepts the password as an async function', async () => {
    const { password, ...config } = configFor(transport, 'scram');
    const client = new Client({ ...config, password: async () => password as string });
    await client.connect();
    expect((await client.query('select 1 as x')).rows).toEqual([{ x: 1 }]);
    await client.end();
  });

  it('an unknown database is 3D000 at connect', async () => {
    const client = new Client({ ...configFor(transport, 'scram'), database: 'no_such_db' });
    await expect(client.connect()).rejects.toMatchObject({ code: '3D000' });
  });
});
