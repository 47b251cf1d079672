import { expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { connectionString } from '../setup/pg.js';

it('connects and queries', async () => {
  const client = new Client(connectionString('superuser'));
  await client.connect();
  const r = await client.query('select 1 as x, $1::text as y', ['hi']);
  expect(r.rows).toEqual([{ x: 1, y: 'hi' }]);
  await client.end();
});
