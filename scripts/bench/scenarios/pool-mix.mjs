/**
 * (f) postgres-benchmarks' four queries (performance.md §2.1): each issued 10,000 times at once
 * on a pool of 4 connections, one query kind at a time. TCP straight to PostgreSQL for edgepg,
 * postgres.js and pg; over `ws:` through the ws→TCP relay for edgepg and Neon (whose Pool cannot
 * use TCP). Fresh process per driver; a warm-up round first (it also opens the connections).
 */
import { loadModules, timed } from '../lib/connectors.mjs';
import { ensure } from '../lib/latency.mjs';
import { fmt, summarize } from '../lib/stats.mjs';

const MODULE = 'scenarios/pool-mix.mjs';
const SIZE = 4;
/** The opt-in automatic prepared statements of the "(statementCache: 100)" rows. */
const STATEMENT_CACHE = 100;

/** The four queries, with the values postgres-benchmarks' shapes call for. */
const KINDS = ['select', 'select_arg', 'select_args', 'select_where'];
const ARGS_SQL =
  'select $1::int as int, $2 as string, $3::timestamptz as timestamp, $4 as "null", $5::bool as boolean, $6::bytea as bytea, $7::jsonb as json';
const argValues = () => [
  1337,
  'wat',
  new Date('2021-02-12T10:00:00Z'),
  null,
  false,
  Buffer.from('awesome'),
  JSON.stringify([{ some: 'json' }, { array: 'object' }]),
];

/** pg-style pools (edgepg, pg, Neon): `query(text, values)`. */
function pgStyle(pool) {
  return {
    run: {
      select: () => pool.query('select 1 as x'),
      select_arg: () => pool.query('select $1 as x', [1]),
      select_args: () => pool.query(ARGS_SQL, argValues()),
      select_where: () => pool.query('select * from pg_catalog.pg_type where typname = $1', ['bool']),
    },
    rowsOf: (r) => r.rows,
    end: () => pool.end(),
  };
}

function makePool(m, kind, target, role) {
  const base = {
    host: target.host,
    port: target.port,
    user: role.user,
    password: role.password,
    database: role.database,
  };
  const wsProxy = () => `127.0.0.1:${target.wsPort}/v2`;
  switch (kind) {
    case 'postgres': {
      const sql = m.postgres({ ...base, pass: role.password, max: SIZE, onnotice: () => {} });
      return {
        run: {
          select: () => sql`select 1 as x`,
          select_arg: () => sql`select ${1} as x`,
          select_args: () => {
            const [a, b, c, d, e, f, g] = argValues();
            return sql`select ${a}::int as int, ${b} as string, ${c}::timestamptz as timestamp, ${d} as "null", ${e}::bool as boolean, ${f}::bytea as bytea, ${g}::jsonb as json`;
          },
          select_where: () => sql`select * from pg_catalog.pg_type where typname = ${'bool'}`,
        },
        rowsOf: (r) => r,
        end: () => sql.end({ timeout: 0 }),
      };
    }
    case 'pg':
      return pgStyle(new m.pg.Pool({ ...base, max: SIZE }));
    case 'edgepg':
      return pgStyle(new m.edgepg.Pool({ ...base, max: SIZE, transport: 'tcp' }));
    case 'edgepg-cached':
      return pgStyle(
        new m.edgepg.Pool({ ...base, max: SIZE, transport: 'tcp', statementCache: STATEMENT_CACHE }),
      );
    case 'edgepg-ws':
    case 'edgepg-ws-cached':
      return pgStyle(
        new m.edgepg.Pool({
          ...base,
          max: SIZE,
          transport: 'websocket',
          webSocketConstructor: m.ws,
          wsProxy,
          useSecureWebSocket: false,
          ...(kind === 'edgepg-ws-cached' ? { statementCache: STATEMENT_CACHE } : {}),
        }),
      );
    case 'neon-ws': {
      const { Pool, neonConfig } = m.neon;
      neonConfig.webSocketConstructor = m.ws;
      neonConfig.useSecureWebSocket = false;
      neonConfig.wsProxy = wsProxy;
      return pgStyle(new Pool({ ...base, max: SIZE }));
    }
    default:
      throw new Error(`unknown driver kind ${kind}`);
  }
}

/** Checks one result of each kind, so a driver that answers wrongly fails instead of scoring. */
function check(kind, rows, label) {
  const row = rows[0];
  const ok =
    kind === 'select_where'
      ? row?.typname === 'bool'
      : kind === 'select_args'
        ? row?.int === 1337 && row.string === 'wat' && row.boolean === false && row.null === null
        : String(row?.x) === '1';
  if (!ok) throw new Error(`${label} ${kind}: unexpected row ${JSON.stringify(row)}`);
}

/** Worker: per round, each kind in turn, `total` at once; returns queries/s per kind. */
export async function mixRounds({ paths, kind, role, target, rounds, total }) {
  const m = await loadModules(paths);
  const pool = makePool(m, kind, target, role);
  const qps = Object.fromEntries(KINDS.map((k) => [k, []]));
  const totalMs = [];
  try {
    for (let r = -1; r < rounds; r++) {
      let roundMs = 0;
      for (const k of KINDS) {
        const query = pool.run[k];
        const sample = await timed(() => Promise.all(Array.from({ length: total }, () => query())));
        check(k, pool.rowsOf(sample.value[total - 1]), kind);
        roundMs += sample.ms;
        if (r >= 0) qps[k].push(total / (sample.ms / 1000));
      }
      if (r >= 0) totalMs.push(roundMs);
    }
  } finally {
    await pool.end();
  }
  // The mix figure: all four kinds' queries over their summed time, per round.
  return { qps, mix: totalMs.map((ms) => (KINDS.length * total) / (ms / 1000)) };
}

export const scenario = {
  id: 'pool-mix',
  title: "(f) Pool of 4, 10k in flight: postgres-benchmarks' four queries",
  method:
    "postgres-benchmarks' four queries (performance.md §2.1): `select 1 as x`; `select $1 as x`; `select $1::int, $2, $3::timestamptz, $4, $5::bool, $6::bytea, $7::jsonb` (1337, 'wat', a Date, null, false, 7 bytes, a JSON array); `select * from pg_catalog.pg_type where typname = $1` ('bool'). " +
    `Each is issued 10,000 times at once on a pool of ${SIZE} connections, one kind after the other, timed until the last result. TCP goes straight to PostgreSQL; "(ws)" rows go over \`ws:\` through the ws→TCP relay, no delay proxy (Neon's Pool cannot use TCP). ` +
    'Fresh process per driver, a warm-up round first (it also opens the connections), interleaved passes (Neon\'s Pool: one timed round, as it serialises each connection at ~1 ms a query). *mix* = the 40,000 queries of a round over their summed time. Drivers run with their defaults (postgres.js prepares statements; Neon: pipelineConnect "password", coalesceWrites), except the "(statementCache: 100)" rows: edgepg with its opt-in automatic prepared statements, postgres.js\'s default behaviour (the goal judges the default edgepg row).',

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const skipped = [];
    const drivers = [
      { label: 'edgepg Pool', kind: 'edgepg', need: 'edgepgPool', tcp: true },
      {
        label: `edgepg Pool (statementCache: ${STATEMENT_CACHE})`,
        kind: 'edgepg-cached',
        need: 'edgepgPool',
        tcp: true,
      },
      { label: 'postgres.js max:4', kind: 'postgres', need: 'postgres', tcp: true },
      { label: 'pg Pool max:4', kind: 'pg', need: 'pg', tcp: true },
      { label: 'edgepg Pool (ws)', kind: 'edgepg-ws', need: 'edgepgPool' },
      {
        label: `edgepg Pool (ws, statementCache: ${STATEMENT_CACHE})`,
        kind: 'edgepg-ws-cached',
        need: 'edgepgPool',
      },
      { label: 'Neon Pool max:4 (ws)', kind: 'neon-ws', need: '@neondatabase/serverless' },
    ].filter((d) => {
      if (available[d.need]) return true;
      skipped.push(`${d.label}: ${reasons[d.need]}`);
      return false;
    });
    if (!drivers.some((d) => d.kind === 'edgepg')) return { tables: [], metrics: {}, skipped };
    // --quick: 1,000 at once per kind, for every driver alike (Neon serialises each connection).
    const total = ctx.quick ? 1_000 : 10_000;
    const data = {};
    const passes = ctx.quick ? 1 : 2;
    for (let pass = 0; pass < passes; pass++) {
      for (const d of drivers) {
        // Neon serialises each connection (~1 ms a query): one pass of one round is enough.
        if (d.kind === 'neon-ws' && pass > 0) continue;
        ctx.log(`  ${d.label} (pass ${pass + 1}/${passes})…`);
        const out = await ctx.worker(MODULE, 'mixRounds', {
          paths: ctx.paths,
          kind: d.kind,
          role: ctx.roles.password,
          target: { host: ctx.env.pg.host, port: ctx.env.pg.port, wsPort: ctx.env.relayPort },
          rounds: ctx.quick || d.kind === 'neon-ws' ? 1 : 3,
          total,
        });
        const slot = ensure(data, d.label, () => ({
          mix: [],
          ...Object.fromEntries(KINDS.map((k) => [k, []])),
        }));
        slot.mix.push(...out.mix);
        for (const k of KINDS) slot[k].push(...out.qps[k]);
      }
    }
    const rows = [];
    const metrics = {};
    const bars = [];
    for (const [label, series] of Object.entries(data)) {
      const mix = summarize(series.mix);
      const perKind = Object.fromEntries(KINDS.map((k) => [k, summarize(series[k]).p50]));
      metrics[label] = { mix: mix.p50, ...perKind };
      rows.push([
        label,
        String(mix.n),
        ...KINDS.map((k) => fmt(perKind[k])),
        fmt(mix.p50),
        `${fmt(mix.min)}–${fmt(mix.max)}`,
      ]);
      bars.push({ label, value: mix.p50 });
    }
    return {
      tables: [
        {
          title: `Pool of 4, ${total.toLocaleString('en-US')} in flight per query kind (queries/s, p50)`,
          columns: ['Driver', 'rounds', ...KINDS, 'mix p50', 'mix range'],
          rows,
        },
      ],
      chart: {
        title: "Pool of 4, postgres-benchmarks' four queries, 10k in flight each (mix queries/s, p50)",
        unit: 'q/s',
        groups: [{ label: 'mix of four', bars }],
      },
      metrics,
      skipped,
    };
  },
};
