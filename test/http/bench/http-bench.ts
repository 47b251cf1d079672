/**
 * Client-side cost of `neon()` queries, ours vs `@neondatabase/serverless` 1.2.0, with a stub
 * fetch (no network, no server): what is measured is everything the driver does around `fetch`.
 *
 *   npx esbuild test/http/bench/http-bench.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=.tmp/http-bench.mjs && node --expose-gc .tmp/http-bench.mjs
 *
 * 1. Warm `SELECT 1`: µs per query (a fresh `Response` per query, as fetch gives).
 * 2. A ~8 MiB result (70k rows x 8 columns, Neon's JSON format): rows/s, object and array mode.
 *
 * `DRIVERS=edgepg` or `DRIVERS=neon` runs one driver only (one process each is steadier: the
 * other driver's garbage does not land in its timings).
 */
import * as Neon from '@neondatabase/serverless';
import { neonConfig, neon as ourNeon } from '../../../src/http/index.js';

type AnySql = (strings: TemplateStringsArray, ...values: unknown[]) => PromiseLike<unknown>;
type Factory = (
  url: string,
  options?: object,
) => AnySql & {
  query(text: string, params?: unknown[], opts?: object): PromiseLike<unknown>;
};

const URL = 'postgresql://u:p@ep-a-1.us-east-2.aws.neon.tech/db';
const field = (name: string, dataTypeID: number) => ({
  name,
  dataTypeID,
  tableID: 0,
  columnID: 0,
  dataTypeSize: -1,
  dataTypeModifier: -1,
  format: 'text',
});

const selectOne = JSON.stringify({
  fields: [field('?column?', 23)],
  rows: [['1']],
  command: 'SELECT',
  rowCount: 1,
  rowAsArray: true,
});

function bigResult(rows: number): string {
  const fields = [
    field('id', 23),
    field('name', 25),
    field('email', 25),
    field('score', 701),
    field('active', 16),
    field('created_at', 1184),
    field('balance', 1700),
    field('big', 20),
  ];
  const data: (string | null)[][] = [];
  for (let i = 0; i < rows; i++) {
    data.push([
      String(i),
      `user number ${i}`,
      `user${i}@example.com`,
      String(i * 1.25),
      i % 2 ? 't' : 'f',
      '2024-03-10 10:11:12.345+00',
      `${i}.50`,
      i % 10 ? String(9007199254740993n + BigInt(i)) : null,
    ]);
  }
  return JSON.stringify({ fields, rows: data, command: 'SELECT', rowCount: rows, rowAsArray: true });
}

function serve(body: string) {
  const fetchFunction = async () => new Response(body, { status: 200 });
  Neon.neonConfig.fetchFunction = fetchFunction;
  neonConfig.fetchFunction = fetchFunction;
}

async function time(run: () => Promise<unknown>, iterations: number): Promise<number> {
  for (let i = 0; i < Math.min(iterations, 2000); i++) await run(); // warm-up
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  return (performance.now() - start) / iterations;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function main() {
  const only = process.env.DRIVERS;
  const drivers = (
    [
      ['neon 1.2.0', Neon.neon as unknown as Factory],
      ['edgepg', ourNeon as unknown as Factory],
    ] as [string, Factory][]
  ).filter(([name]) => !only || name.startsWith(only));

  serve(selectOne);
  console.log('warm SELECT 1 (client work per query, stub fetch)');
  for (let round = 0; round < 2; round++) {
    for (const [name, neon] of drivers) {
      const sql = neon(URL);
      const perQuery = await time(() => Promise.resolve(sql`SELECT 1`), 20000);
      console.log(`  ${name.padEnd(12)} ${(perQuery * 1000).toFixed(1)} µs/query`);
    }
  }

  const rows = Number(process.env.ROWS ?? 70000);
  const body = bigResult(rows);
  serve(body);
  console.log(
    `\n${(body.length / 1024 / 1024).toFixed(1)} MiB result, ${rows} rows x 8 columns (median of 15)`,
  );
  for (const arrayMode of [false, true]) {
    const samples = new Map<string, number[]>(drivers.map(([name]) => [name, []]));
    for (let round = 0; round < 17; round++) {
      for (const [name, neon] of drivers) {
        const sql = neon(URL, { arrayMode });
        gc?.();
        const start = performance.now();
        await sql`SELECT *`;
        const elapsed = performance.now() - start;
        if (round >= 2) samples.get(name)!.push(elapsed);
      }
    }
    const medians = new Map(
      [...samples].map(([name, list]) => [name, list.sort((a, b) => a - b)[list.length >> 1]]),
    );
    for (const [name] of drivers) {
      const ms = medians.get(name)!;
      console.log(
        `  ${arrayMode ? 'array ' : 'object'} ${name.padEnd(12)} ${(rows / ms).toFixed(0)}k rows/s` +
          ` (${ms.toFixed(0)} ms/query)`,
      );
    }
    if (medians.size === 2) {
      console.log(
        `  ratio edgepg/neon: ${(medians.get('neon 1.2.0')! / medians.get('edgepg')!).toFixed(2)}x`,
      );
    }
  }
}

main();
