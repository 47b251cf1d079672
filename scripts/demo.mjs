// The demo: an embedded PostgreSQL behind edgepg's local Neon-compatible server, then the same
// database through all three of edgepg's transports — neon() over HTTP, Client over WebSocket
// (through the local server), Client over TCP (straight to PostgreSQL) — and the shared value
// core on real values. Everything comes from npm; Ctrl-C or the end leaves nothing running.
import { Client, neon, neonConfig, prepareValue } from 'edgepg';
import { startDev } from 'edgepg/server';
import { WebSocket } from 'ws';

const step = (title) => console.log(`\n\x1b[1m▸ ${title}\x1b[0m`);
const show = (value) =>
  value instanceof Date
    ? value.toISOString()
    : Buffer.isBuffer(value)
      ? `<Buffer ${value.toString('hex')}>`
      : JSON.stringify(value);

step('Starting an embedded PostgreSQL and the local Neon-compatible server');
const dev = await startDev({ port: 0 });
const stop = async () => {
  await dev.close();
  console.log('  local server and PostgreSQL stopped');
};
process.once('SIGINT', () => stop().then(() => process.exit(130)));
console.log(`  PostgreSQL ${dev.postgres.version}; server on ${dev.url}`);
console.log(`  DATABASE_URL=${dev.databaseUrl.replace(/:[^:@/]+@/, ':*****@')}`);

try {
  // The one-time configuration `edgepg dev` prints, for neon(), Pool and Client alike.
  neonConfig.fetchEndpoint = (host, port) => `http://${host}:${port}/sql`;
  neonConfig.wsProxy = (host, port) => `${host}:${port}/v2`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.webSocketConstructor = WebSocket; // Node 20 has no global WebSocket

  step('neon() over HTTP: one round trip per query (or per batch)');
  const sql = neon(dev.databaseUrl);
  await sql`create table if not exists demo_items (id serial primary key, name text, tags text[], meta jsonb)`;
  const [inserted] = await sql.transaction([
    sql`insert into demo_items (name, tags, meta) values (${'widget'}, ${['a', 'b"c']}, ${{ size: 3 }}) returning *`,
    sql`select count(*)::int as n from demo_items`,
  ]);
  console.log(`  inserted ${show(inserted[0])}`);
  const name = 'widget';
  const rows =
    await sql`select id, name, tags, meta from demo_items where name = ${name} order by id desc limit 1`;
  console.log(`  template with a bound parameter → ${show(rows[0])}`);

  step(
    'Client over WebSocket, through the local server (pipelined connect: startup + password + query in one flight)',
  );
  const ws = new Client(dev.databaseUrl);
  const first = ws.query('select current_user as user, inet_server_port() as pg_port');
  await ws.connect();
  console.log(`  transport ${ws.transportKind}: ${show((await first).rows[0])}`);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => ws.query('select $1::int * 2 as doubled', [i])),
  );
  console.log(
    `  100 pipelined queries in ${(performance.now() - started).toFixed(1)} ms; last = ${results[99].rows[0].doubled}`,
  );
  await ws.end();

  step('Client over TCP, straight to PostgreSQL (SCRAM-SHA-256 on WebCrypto)');
  neonConfig.webSocketConstructor = undefined;
  neonConfig.wsProxy = undefined;
  const tcp = new Client(dev.directUrl);
  await tcp.connect();
  console.log(`  transport ${tcp.transportKind}, backend pid ${tcp.processID}`);
  const sample = await tcp.query(
    `select 9007199254740993::int8 as big, 1.5::numeric as num, '{1,NULL,3}'::int[] as arr, '{"a":[1,2]}'::jsonb as json,
      '\\x00ff'::bytea as bytes, '2024-03-05 10:11:12+02'::timestamptz as at, '1 day 02:03:04'::interval as span, '(1,2)'::point as pt`,
  );
  console.log('  values out, parsed exactly as pg parses them (pg-types 2.2.0):');
  for (const [column, value] of Object.entries(sample.rows[0]))
    console.log(`    ${column.padEnd(6)} ${show(value)}`);
  console.log('  values in, serialised exactly as pg serialises them:');
  for (const value of [
    new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
    [1, null, 'a"b', [2, 3]],
    { json: true },
    10n,
  ]) {
    console.log(`    ${show(typeof value === 'bigint' ? `${value}n` : value)} → ${prepareValue(value)}`);
  }
  const mixed = await Promise.allSettled([
    tcp.query('select 1 as ok'),
    tcp.query('select 1/0'),
    tcp.query('select 2 as ok'),
  ]);
  console.log('  errors stay with their own query:');
  for (const r of mixed)
    console.log(
      `    ${r.status}: ${r.status === 'fulfilled' ? show(r.value.rows) : `${r.reason.code} ${r.reason.message}`}`,
    );
  await tcp.query('drop table demo_items');
  await tcp.end();
  step('Done');
} finally {
  await stop();
}
