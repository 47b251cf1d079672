/**
 * The benchmark's world: an embedded PostgreSQL with one role per auth method and the decode
 * table, a ws relay, edgepg's local server (when built), and delay proxies at every RTT in front
 * of each. Everything started here is stopped by `stop()`, in reverse order.
 */
import { join } from 'node:path';
import pg from 'pg';
import { calibrate } from '../delay-proxy.mjs';
import { BENCH_DIR, startService } from './children.mjs';

/**
 * Cleartext `password` auth for one role, SCRAM for every other TCP login; the unix socket
 * trusts everyone (how the bootstrap superuser gets in to create the roles).
 */
const HBA = [
  'local all all trust',
  'host all bench_password 127.0.0.1/32 password',
  'host all all 127.0.0.1/32 scram-sha-256',
];

export const ROLES = {
  scram: { user: 'bench_scram', password: 'bench-scram-secret', database: 'postgres' },
  // Stored as an md5 verifier (performance.md §5.2): checking a cleartext password against a
  // SCRAM verifier would add ~4–5 ms of server PBKDF2 to every connect and blur RTT counts.
  password: { user: 'bench_password', password: 'bench-cleartext-secret', database: 'postgres' },
};

export const DECODE_TABLE = 'bench_rows';

/** 10 mixed columns: int4, int8, text, float8, bool, timestamptz, numeric, jsonb, uuid, int4[]. */
function decodeTableSql(rows) {
  return `
    create table ${DECODE_TABLE} as
    select
      i::int4 as id,
      i::int8 * 2654435761 as big,
      'user ' || md5(i::text) as name,
      (i % 1000) / 7.0::float8 as score,
      i % 3 = 0 as active,
      timestamptz '2024-01-01 00:00:00+00' + i * interval '1 minute' as created_at,
      ((i::int8 * 7919) % 100000000 / 100.0)::numeric(14,4) as amount,
      jsonb_build_object('i', i, 'tags', jsonb_build_array('a', i % 10), 'ok', i % 2 = 0) as meta,
      md5(i::text)::uuid as uid,
      array[i, i + 1, i % 100]::int4[] as nums
    from generate_series(1, ${rows}) as i`;
}

export async function startEnvironment({ rtts, drivers, decodeRows, log }) {
  const stack = [];
  const stop = async () => {
    while (stack.length > 0) {
      const close = stack.pop();
      await close().catch((error) => log(`  teardown: ${error.message}`));
    }
  };
  try {
    const { startEmbeddedPostgres } = await import(drivers.paths.edgepgServer);
    log('Starting an embedded PostgreSQL…');
    const server = await startEmbeddedPostgres({ hba: HBA });
    stack.push(() => server.stop());
    log(`  PostgreSQL ${server.version} on ${server.host}:${server.port}`);

    const admin = new pg.Client({
      host: server.socketDir,
      port: server.port,
      user: 'postgres',
      database: 'postgres',
    });
    await admin.connect();
    try {
      const esc = (s) => admin.escapeLiteral(s);
      await admin.query(
        `create role ${ROLES.scram.user} login superuser password ${esc(ROLES.scram.password)}`,
      );
      await admin.query(`set password_encryption = 'md5'`);
      await admin.query(
        `create role ${ROLES.password.user} login superuser password ${esc(ROLES.password.password)}`,
      );
      await admin.query(`reset password_encryption`);
      log(`  creating ${DECODE_TABLE} (${decodeRows.toLocaleString('en-US')} rows × 10 columns)…`);
      await admin.query(decodeTableSql(decodeRows));
      await admin.query(`vacuum analyze ${DECODE_TABLE}`);
    } finally {
      await admin.end();
    }
    const pgTarget = { host: server.host, port: server.port };

    const relay = await startService(join(BENCH_DIR, 'lib', 'ws-relay.mjs'), [
      '--target',
      `${pgTarget.host}:${pgTarget.port}`,
    ]);
    stack.push(relay.stop);

    let local;
    if (drivers.available.localServer) {
      local = await startService(join(BENCH_DIR, 'lib', 'server-child.mjs'), [
        drivers.paths.edgepgServer,
        `${pgTarget.host}:${pgTarget.port}`,
      ]);
      stack.push(local.stop);
    }

    const targets = [
      '--target',
      `pg=${pgTarget.host}:${pgTarget.port}`,
      '--target',
      `relay=127.0.0.1:${relay.info.port}`,
    ];
    if (local) targets.push('--target', `server=127.0.0.1:${local.info.port}`);
    const proxy = await startService(join(BENCH_DIR, 'delay-proxy.mjs'), [
      ...targets,
      '--rtt',
      [0, ...rtts.filter((r) => r > 0)].join(','),
      '--echo',
    ]);
    stack.push(proxy.stop);

    // What the delay line delivers, above the 0-delay path it is compared with.
    const allRtts = [0, ...rtts.filter((r) => r > 0)];
    const measured = {};
    for (const rtt of allRtts) measured[rtt] = await calibrate(proxy.info.ports.echo[rtt]);
    const effectiveRtt = {};
    for (const rtt of allRtts) effectiveRtt[rtt] = rtt === 0 ? 0 : measured[rtt] - measured[0];
    log(
      `  delay line calibrated: ${allRtts.map((r) => `${r} ms → ${effectiveRtt[r].toFixed(2)} ms`).join(', ')}`,
    );

    return {
      pg: { ...pgTarget, version: server.version },
      relayPort: relay.info.port,
      serverPort: local?.info.port,
      proxies: proxy.info.ports,
      rtts: allRtts,
      decodeRows,
      effectiveRtt,
      echoRtt: measured,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
