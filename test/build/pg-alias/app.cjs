// Run by test/build/pg-alias.test.ts inside an app whose node_modules/pg is edgepg (an alias).
const pg = require('pg');
const Cursor = require('pg-cursor');
const QueryStream = require('pg-query-stream');

async function main() {
  const deep = {
    result: [require('pg/lib/result'), require('pg/lib/result.js')].every((m) => m === pg.Result),
    utils: require('pg/lib/utils.js').prepareValue === require('pg/lib/utils').prepareValue,
    prepareValue: require('pg/lib/utils.js').prepareValue([1, 'a', null]),
    defaults: [require('pg/lib/defaults'), require('pg/lib/defaults.js')].every((m) => m === pg.defaults),
    connectionParameters: typeof require('pg/lib/connection-parameters.js'),
    connectionParametersHost: new (require('pg/lib/connection-parameters'))('postgres://u@h:5433/d').port,
    typeOverrides: [require('pg/lib/type-overrides'), require('pg/lib/type-overrides.js')].every(
      (m) => m === pg.TypeOverrides,
    ),
    index: require('pg/lib/index.js') === require('pg/lib/index') && require('pg/lib/index').Pool === pg.Pool,
    client: require('pg/lib/client.js') === pg.Client,
    query: require('pg/lib/query') === pg.Query,
  };
  const client = new pg.Client(process.env.DATABASE_URL);
  await client.connect();
  const cursor = client.query(new Cursor('SELECT generate_series(1, 5) AS n'));
  const firstPage = await cursor.read(2);
  const secondPage = await cursor.read(10);
  await cursor.close();
  const streamed = [];
  for await (const row of client.query(
    new QueryStream('SELECT $1::int + n AS m FROM generate_series(1, 3) n', [10]),
  )) {
    streamed.push(row.m);
  }
  const viaQuery = await new Promise((resolve, reject) => {
    const rows = [];
    const query = client.query(new pg.Query('SELECT $1::text AS x', ['q']));
    query.on('row', (row) => rows.push(row));
    query.on('end', (result) => resolve({ rows, command: result.command }));
    query.on('error', reject);
  });
  await client.end();
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const pooled = (await pool.query('SELECT 42 AS answer')).rows[0].answer;
  const poolIsPgPool = pool instanceof pg.Pool && pool.constructor.name.includes('Pool');
  await pool.end();
  return {
    keys: Object.keys(pg),
    objectKeys: Object.keys(require('pg/lib/index')),
    native: [pg.native, require('pg/lib/index').native],
    nativeEnumerable: Object.keys(require('pg/lib/index')).includes('native'),
    deep,
    cursor: [firstPage.map((r) => r.n), secondPage.map((r) => r.n)],
    streamed,
    viaQuery,
    pooled,
    poolIsPgPool,
  };
}

main().then(
  (out) => console.log(JSON.stringify(out)),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
