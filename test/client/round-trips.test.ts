/**
 * Round trips, counted as client flights through a recording proxy (no timers): what
 * pipelining buys is a property of the bytes on the wire, so it is tested as one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { clientConfig, type PgRole, pgInfo } from '../setup/pg.js';
import { type FlightProxy, startFlightProxy } from '../support/flight-proxy.js';

let proxy: FlightProxy;
beforeAll(async () => {
  const info = pgInfo();
  proxy = await startFlightProxy({ host: info.host, port: info.port });
});
afterAll(async () => {
  await proxy?.close();
});

function viaProxy(role: PgRole, extra: object = {}) {
  return new Client({ ...clientConfig(role), host: '127.0.0.1', port: proxy.port, ...extra });
}

describe('round trips (client flights)', () => {
  it('N = 1, 10, 100 concurrent queries on one connection take one flight', async () => {
    const client = viaProxy('superuser');
    await client.connect();
    const log = proxy.connections[proxy.connections.length - 1];
    for (const n of [1, 10, 100]) {
      log.reset();
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => client.query('select $1::int as i', [i])),
      );
      expect(results.map((r) => r.rows[0].i)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(log.clientFlights, `N=${n}`).toBe(1);
    }
    await client.end();
  });

  const connectCases: [PgRole, 'password' | false, number][] = [
    // startup | password + query
    ['password', false, 2],
    // startup + password + query, all at once
    ['password', 'password', 1],
    // startup | md5 + query
    ['md5', false, 2],
    // startup | SASL initial | SASL final + query
    ['scram', false, 3],
    // startup | query (the method is not known yet)
    ['trust', false, 2],
  ];
  for (const [role, pipelineConnect, flights] of connectCases) {
    it(`connect + first query with ${role} (pipelineConnect=${pipelineConnect}): ${flights} flight(s)`, async () => {
      const client = viaProxy(role, { pipelineConnect });
      const first = client.query('select 1 as one');
      await client.connect();
      expect((await first).rows).toEqual([{ one: 1 }]);
      const log = proxy.connections[proxy.connections.length - 1];
      expect(log.clientFlights).toBe(flights);
      await client.end();
    });
  }

  // pipelineConnect 'auto' (TCP's default) answers what the server asked for last time.
  const remembered: [PgRole, number][] = [
    // startup + query
    ['trust', 1],
    // startup + password + query
    ['password', 1],
    // startup + SASL initial | SASL final + query
    ['scram', 2],
    // startup | md5 + query: the salt changes every time, so nothing to send early
    ['md5', 2],
  ];
  for (const [role, flights] of remembered) {
    it(`reconnecting with ${role} and pipelineConnect=auto: ${flights} flight(s)`, async () => {
      let measured = 0;
      for (let attempt = 0; attempt < 2; attempt++) {
        const client = viaProxy(role);
        const first = client.query('select 1 as one');
        await client.connect();
        expect((await first).rows).toEqual([{ one: 1 }]);
        // Counted before end(): its Terminate message is one more (unanswered) flight.
        measured = proxy.connections[proxy.connections.length - 1].clientFlights;
        await client.end();
      }
      expect(measured).toBe(flights);
    });
  }

  it('falls back cleanly when the remembered method is wrong (server changed): one extra connection', async () => {
    const before = proxy.connections.length;
    const wrong = viaProxy('scram', { pipelineConnect: 'password' });
    await wrong.connect();
    expect((await wrong.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    await wrong.end();
    // The cleartext guess failed once, the retry without speculation succeeded.
    expect(proxy.connections.length - before).toBe(2);
  });
});
