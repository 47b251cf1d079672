/**
 * Pipelining: many queries issued without awaiting go out back-to-back and each resolves with
 * its own result or its own error.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import type { Result } from '../../src/core/result.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

describe.each(transports)('pipelined queries over %s', (transport) => {
  let client: Client;
  beforeAll(async () => {
    client = new Client(configFor(transport));
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it('1,000 interleaved queries with random errors: each result matches its own query', async () => {
    const kinds = fc.sample(fc.integer({ min: 0, max: 5 }), { numRuns: 1000, seed: 4242 });
    const calls = kinds.map((kind, i) => {
      switch (kind) {
        case 0:
          return {
            ok: true,
            run: () => client.query('select $1::int as i', [i]),
            check: (r: Result) => r.rows[0].i === i,
          };
        case 1:
          return { ok: false, code: '22012', run: () => client.query('select $1::int / 0', [i]) };
        case 2:
          return {
            ok: true,
            run: () => client.query(`select ${i} as i, 'simple' as p`),
            check: (r: Result) => r.rows[0].i === i,
          };
        case 3:
          return { ok: false, code: '42P01', run: () => client.query(`select * from missing_${i}`) };
        case 4:
          return {
            ok: true,
            run: () => client.query({ text: 'select $1::text as t', values: [`v${i}`], rowMode: 'array' }),
            check: (r: Result) => r.rows[0][0] === `v${i}`,
          };
        default:
          return { ok: false, code: '22P02', run: () => client.query('select $1::int', [`bad${i}`]) };
      }
    });
    const settled = await Promise.allSettled(calls.map((c) => c.run()));
    settled.forEach((outcome, i) => {
      const call = calls[i];
      if (call.ok) {
        expect(outcome.status, `query ${i}`).toBe('fulfilled');
        expect(call.check?.((outcome as PromiseFulfilledResult<Result>).value), `query ${i}`).toBe(true);
      } else {
        expect(outcome.status, `query ${i}`).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason.code, `query ${i}`).toBe(call.code);
      }
    });
    // The connection is still healthy and idle afterwards.
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect(client.getTransactionStatus()).toBe('I');
  });

  it('keeps more queries waiting than the pipeline bound allows, and runs them all', async () => {
    const small = new Client({ ...configFor(transport), maxPipeline: 3 });
    await small.connect();
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => small.query('select $1::int as i', [i])),
    );
    expect(results.map((r) => r.rows[0].i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await small.end();
  });

  it('keeps transaction semantics: an error inside BEGIN aborts the block, not the neighbours outside it', async () => {
    const other = new Client(configFor(transport));
    await other.connect();
    const outcomes = await Promise.allSettled([
      other.query('begin'),
      other.query('select 1/0'),
      other.query('select 1'),
      other.query('rollback'),
      other.query('select 2 as two'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'rejected',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason.code).toBe('25P02');
    await other.end();
  });

  it('runs named prepared statements once parsed, and refuses a name reused for other text', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.query({ name: 'by-id', text: 'select $1::int * 10 as x', values: [i] }),
      ),
    );
    expect(results.map((r) => r.rows[0].x)).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    const stmts = await client.query(
      `select count(*)::int as n from pg_prepared_statements where name = 'by-id'`,
    );
    expect(stmts.rows[0].n).toBe(1);
    await expect(client.query({ name: 'by-id', text: 'select 2', values: [] })).rejects.toThrow(
      "Prepared statements must be unique - 'by-id' was used for a different statement",
    );
    // A statement that fails to parse is parsed again next time rather than assumed present.
    await expect(client.query({ name: 'broken', text: 'select nope(' })).rejects.toThrow();
    await expect(client.query({ name: 'broken', text: 'select nope(' })).rejects.toMatchObject({
      code: '42601',
    });
  });
});
