/**
 * pg-cursor 2.22 (from npm, unchanged): it drives the connection itself through pg's Submittable
 * contract and deep-requires `pg/lib/*`, so these run over whatever `pg` resolves to.
 */
import { expect, it } from 'vitest';

export interface CursorClient {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  query<T extends { submit: unknown }>(submittable: T): T;
}

export type CursorClass = typeof import('pg-cursor');

export function cursorScenarios(ctx: () => { client: CursorClient; Cursor: CursorClass }): void {
  it('reads a parameterised query in batches until it is exhausted', async () => {
    const { client, Cursor } = ctx();
    const cursor = client.query(
      new Cursor('select n, n::int8 as big, $2::text || n as label from generate_series(1, $1::int) as n', [
        10,
        'row ',
      ]),
    );
    const batches: number[][] = [];
    for (;;) {
      const rows = (await cursor.read(4)) as { n: number; big: string; label: string }[];
      if (rows.length === 0) break;
      batches.push(rows.map((r) => r.n));
      expect(rows[0].big).toBe(String(rows[0].n));
      expect(rows[0].label).toBe(`row ${rows[0].n}`);
    }
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
    await cursor.close();
  });

  it('returns arrays with rowMode array, and the connection works after an early close', async () => {
    const { client, Cursor } = ctx();
    const cursor = client.query(
      new Cursor('select n, -n from generate_series(1, 100) as n', [], { rowMode: 'array' }),
    );
    expect(await cursor.read(2)).toEqual([
      [1, -1],
      [2, -2],
    ]);
    await cursor.close();
    expect((await client.query('select $1::int + 1 as two', [1])).rows).toEqual([{ two: 2 }]);
  });

  it('rejects a failing cursor query with the PostgreSQL error and stays usable', async () => {
    const { client, Cursor } = ctx();
    const cursor = client.query(new Cursor('select 1 / (n - 3) from generate_series(1, 5) as n'));
    const error = (await cursor.read(10).then(
      () => undefined,
      (e: unknown) => e,
    )) as { code?: string } | undefined;
    expect(error?.code).toBe('22012');
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  });
}
