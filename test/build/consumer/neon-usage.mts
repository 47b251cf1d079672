// Code written against @neondatabase/serverless 1.2.0's types (the shapes drizzle-orm's neon-http
// and neon-serverless declarations use), compiled twice by test/build/types.test.ts: against the
// real package (the oracle) and against edgepg standing in for it.
import {
  type FullQueryResults,
  type HTTPQueryOptions,
  type HTTPTransactionOptions,
  type NeonQueryFunction,
  type NeonQueryPromise,
  neon,
  neonConfig,
  Pool,
  type PoolClient,
  type PoolConfig,
  type QueryResult,
  type QueryResultRow,
  types,
} from '@neondatabase/serverless';

export type NeonHttpClient = NeonQueryFunction<boolean, boolean>;

const sql: NeonQueryFunction<false, false> = neon('postgres://u:p@host.example/db');
const full: NeonQueryFunction<true, true> = neon('postgres://u:p@host.example/db', {
  arrayMode: true,
  fullResults: true,
});

const queryOptions: HTTPQueryOptions<true, true> = { arrayMode: true, fullResults: true };
const txOptions: HTTPTransactionOptions<true, true> = {
  arrayMode: true,
  fullResults: true,
  isolationLevel: 'Serializable',
  readOnly: true,
};

export async function run(client: NeonHttpClient): Promise<number> {
  const rows: Record<string, unknown>[] = await sql`SELECT ${1} AS one`;
  const result: FullQueryResults<true> = await full.query('SELECT $1::int', [1], queryOptions);
  const pending: NeonQueryPromise<true, true> = client.query('SELECT 1', [], queryOptions);
  const batch = await full.transaction([full`SELECT 1`, full`SELECT 2`], txOptions);
  const fields: string[] = result.fields.map((field) => field.name);
  types.setTypeParser(1184, (value: string) => value);
  neonConfig.fetchEndpoint = (host: string) => `https://${host}/sql`;
  const config: PoolConfig = { connectionString: 'postgres://u:p@host.example/db', max: 1 };
  const pool = new Pool(config);
  const pooled: PoolClient = await pool.connect();
  const out: QueryResult<QueryResultRow> = await pooled.query('SELECT 1');
  pooled.release();
  await pool.end();
  await pending;
  return rows.length + batch.length + fields.length + out.rows.length + result.rowCount;
}
