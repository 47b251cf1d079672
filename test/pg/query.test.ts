/**
 * `pg.Query` (src/pg/query.ts) against npm pg's own `Query` as the oracle: the same scenarios run
 * through pg's Client + pg's Query and edgepg's Client + edgepg's Query on the same PostgreSQL,
 * and what each emits (row events, end result, callback, error) must match.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ParameterError, UsageError } from '../../src/core/errors.js';
import { Connection } from '../../src/pg/connection.js';
import { Query } from '../../src/pg/query.js';
import { clientConfig } from '../setup/pg.js';

interface QueryLike {
  // biome-ignore lint/suspicious/noExplicitAny: pg's and edgepg's listeners take different arguments
  on(event: string, listener: (...args: any[]) => void): unknown;
}

interface Outcome {
  rowEvents: unknown[];
  end?: unknown;
  error?: { message: string; code?: string };
  callback?: { error?: string; result?: unknown };
}

type ResultLike = { command: string; rowCount: number | null; rows: unknown[]; fields: { name: string }[] };

function summary(result: ResultLike | ResultLike[]): unknown {
  const one = (r: ResultLike) => ({
    command: r.command,
    rowCount: r.rowCount,
    rows: r.rows,
    fields: r.fields.map((f) => f.name),
  });
  return Array.isArray(result) ? result.map(one) : one(result);
}

/** Submits `query` and records what it emits until `end` or `error` (or its callback). */
function observe(
  submit: (query: QueryLike) => void,
  query: QueryLike,
  withCallback: boolean,
): Promise<Outcome> {
  const outcome: Outcome = { rowEvents: [] };
  return new Promise((resolve) => {
    if (!withCallback) {
      query.on('row', (row: unknown) => outcome.rowEvents.push(row));
      query.on('end', (result: ResultLike) => resolve({ ...outcome, end: summary(result) }));
      query.on('error', ((error: Error & { code?: string }) =>
        resolve({ ...outcome, error: { message: error.message, code: error.code } })) as never);
    }
    submit(query);
  });
}

type Scenario = {
  name: string;
  config: { text: string; values?: unknown[]; rows?: number; rowMode?: 'array' };
};

const scenarios: Scenario[] = [
  { name: 'simple query', config: { text: 'SELECT 1 AS one, $$x$$ AS two' } },
  { name: 'parameters', config: { text: 'SELECT $1::int + 1 AS n, $2::text AS t', values: [41, 'a'] } },
  { name: 'multi-statement', config: { text: 'SELECT 1 AS a; SELECT 2 AS b, 3 AS c' } },
  { name: 'rows paging', config: { text: 'SELECT generate_series(1, 5) AS n', values: [], rows: 2 } },
  { name: 'array rows', config: { text: 'SELECT 1 AS a, 2 AS b', rowMode: 'array' } },
  { name: 'no rows', config: { text: 'CREATE TEMP TABLE IF NOT EXISTS q_t (id int)' } },
  { name: 'server error', config: { text: 'SELECT 1/0' } },
  { name: 'server error with parameters', config: { text: 'SELECT $1::int', values: ['nope'] } },
];

describe('pg.Query equals pg’s Query', () => {
  let ours: Client;
  let theirs: pg.Client;
  beforeAll(async () => {
    ours = new Client(clientConfig());
    theirs = new pg.Client(clientConfig());
    await Promise.all([ours.connect(), theirs.connect()]);
  });
  afterAll(async () => {
    await Promise.all([ours.end(), theirs.end()]);
  });

  it.each(scenarios)('$name: events and results', async ({ config }) => {
    const [mine, oracle] = await Promise.all([
      observe((q) => ours.query(q as unknown as Query), new Query({ ...config }), false),
      observe((q) => theirs.query(q as unknown as pg.Query), new pg.Query({ ...config }), false),
    ]);
    expect(mine).toEqual(oracle);
    // Both connections are still usable afterwards.
    expect((await ours.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it.each(scenarios)('$name: through a callback', async ({ config }) => {
    const run = (client: { query(q: unknown): unknown }, make: (cb: (...a: unknown[]) => void) => unknown) =>
      new Promise<Outcome['callback']>((resolve) => {
        client.query(
          make((error, result) =>
            resolve(
              error
                ? { error: (error as Error).message }
                : { result: summary(result as ResultLike | ResultLike[]) },
            ),
          ),
        );
      });
    const [mine, oracle] = await Promise.all([
      run(ours as never, (cb) => new Query({ ...config }, cb as never)),
      run(theirs as never, (cb) => new pg.Query({ ...config }, cb as never)),
    ]);
    expect(mine).toEqual(oracle);
  });

  it('takes (text, values, callback) as pg does', async () => {
    const result = await new Promise<unknown>((resolve, reject) => {
      ours.query(new Query('SELECT $1::int AS v', [7], (error, r) => (error ? reject(error) : resolve(r))));
    });
    expect(summary(result as ResultLike)).toEqual({
      command: 'SELECT',
      rowCount: 1,
      rows: [{ v: 7 }],
      fields: ['v'],
    });
  });

  it('reports a value it cannot send as a ParameterError and leaves the connection usable', async () => {
    const outcome = await observe(
      (q) => ours.query(q as unknown as Query),
      new Query('SELECT $1::text', [new Date(Number.NaN)]),
      false,
    );
    expect(outcome.error?.message).toMatch(/Date/);
    const error = await new Promise<Error>((resolve) =>
      ours.query(new Query('SELECT $1::text', [Symbol('s')], (e) => resolve(e as Error))),
    );
    expect(error).toBeInstanceOf(ParameterError);
    expect((await ours.query('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
  });

  it('reports a type parser that throws after the query finishes, as pg does', async () => {
    const types = {
      getTypeParser: () => () => {
        throw new Error('parser failed');
      },
    };
    const [mine, oracle] = await Promise.all([
      observe((q) => ours.query(q as unknown as Query), new Query({ text: 'SELECT 1 AS a', types }), false),
      observe(
        (q) => theirs.query(q as unknown as pg.Query),
        new pg.Query({ text: 'SELECT 1 AS a', types } as never),
        false,
      ),
    ]);
    expect(mine).toEqual(oracle);
    expect(mine.error?.message).toBe('parser failed');
    expect((await ours.query('SELECT 3 AS ok')).rows).toEqual([{ ok: 3 }]);
  });

  it('answers bad input with typed errors, and the connection stays usable', async () => {
    const notArray = await observe(
      (q) => ours.query(q as unknown as Query),
      new Query('SELECT 1', 'nope' as unknown as unknown[]),
      false,
    );
    expect(notArray.error?.message).toBe('Query values must be an array');
    for (const config of [null, undefined, 42]) {
      const outcome = await observe(
        (q) => ours.query(q as unknown as Query),
        new Query(config as never),
        false,
      );
      expect(outcome.error?.message, String(config)).toMatch(/must have either text or a name/);
    }
    expect(() => new Connection()).toThrow(UsageError);
    expect((await ours.query('SELECT 4 AS ok')).rows).toEqual([{ ok: 4 }]);
  });

  it('rejects a query without text with pg’s message', async () => {
    const outcome = await observe((q) => ours.query(q as unknown as Query), new Query({} as never), false);
    expect(outcome.error?.message).toBe(
      'A query must have either text or a name. Supplying neither is unsupported.',
    );
  });
});
