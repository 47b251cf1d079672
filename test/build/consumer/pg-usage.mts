// Code written against @types/pg 8.23, compiled twice by test/build/types.test.ts: with `pg`
// resolving to @types/pg (the oracle: it must compile there) and to edgepg (the alias).
import pg, {
  Client,
  type ClientConfig,
  DatabaseError,
  type FieldDef,
  Pool,
  type PoolClient,
  type PoolConfig,
  type QueryArrayResult,
  type QueryConfig,
  type QueryResult,
  type QueryResultRow,
  types,
} from 'pg';

interface User extends QueryResultRow {
  id: number;
  name: string;
}

const config: PoolConfig = { connectionString: 'postgres://localhost/db', max: 5, idleTimeoutMillis: 1000 };
const clientConfig: ClientConfig = {
  host: 'localhost',
  port: 5432,
  user: 'u',
  password: () => 'p',
  ssl: false,
};
const pool = new Pool(config);
const typedPool: pg.Pool = new pg.Pool();

// Subclassing, as apps and adapters do with pg.Pool / pg.Client.
class AppPool extends pg.Pool {
  label = 'app';
}
class AppClient extends Client {
  async ping(): Promise<boolean> {
    return (await this.query<{ ok: number }>('SELECT 1 AS ok')).rows[0]?.ok === 1;
  }
}
export const appPool: pg.Pool = new AppPool();
export const appClient = new AppClient(clientConfig);

pool.on('error', (err: Error) => console.error(err.message));
pool.on('connect', (client: PoolClient) => client.escapeIdentifier('x'));
types.setTypeParser(20, (value: string) => BigInt(value));

export async function run(): Promise<number | null> {
  const users: QueryResult<User> = await pool.query<User>('SELECT id, name FROM users WHERE id = $1', [1]);
  const first: User | undefined = users.rows[0];
  const fields: FieldDef[] = users.fields;
  const command: string = users.command;
  const query: QueryConfig<[number]> = { text: 'SELECT $1::int', values: [1] };
  await pool.query(query);
  const arrays: QueryArrayResult<[number]> = await pool.query<[number]>({
    text: 'SELECT 1',
    rowMode: 'array',
  });
  const client: PoolClient = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query<User>({ text: 'SELECT * FROM users', name: 'all-users' });
    await client.query('COMMIT');
  } catch (error) {
    if (error instanceof DatabaseError) console.error(error.code, error.detail);
    await client.query('ROLLBACK');
  } finally {
    client.release();
  }
  const single = new Client(clientConfig);
  await single.connect();
  single.on('notification', (message) => console.log(message.channel, message.payload));
  await single.end();
  await typedPool.end();
  await pool.end();
  console.log(first?.name, fields.length, command, arrays.rows[0]?.[0]);
  return users.rowCount;
}
