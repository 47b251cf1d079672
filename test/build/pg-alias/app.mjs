// Run by test/build/pg-alias.test.ts: the ESM side of an app whose node_modules/pg is edgepg.
import pg, { Client, Result as NamedResult, Pool, types } from 'pg';
import defaults from 'pg/lib/defaults';
import Result from 'pg/lib/result.js';
import utils, { prepareValue } from 'pg/lib/utils.js';
import Cursor from 'pg-cursor';

const client = new pg.Client(process.env.DATABASE_URL);
await client.connect();
const cursor = client.query(new Cursor('SELECT generate_series(1, 3) AS n'));
const rows = await cursor.read(5);
await cursor.close();
await client.end();
console.log(
  JSON.stringify({
    keys: Object.keys(pg),
    named: [pg.Client === Client, pg.Pool === Pool, pg.types === types, pg.Result === NamedResult],
    deep: [Result === pg.Result, defaults === pg.defaults, utils.prepareValue === prepareValue],
    prepared: prepareValue(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))),
    cursor: rows.map((r) => r.n),
  }),
);
