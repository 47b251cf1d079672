/**
 * (f) Pool of 4, 10,000 `select $1::int` in flight, over TCP direct to PostgreSQL (the
 * postgres-benchmarks shape): edgepg `Pool` vs postgres.js (`max: 4`) vs pg `Pool` (`max: 4`).
 * Skipped while edgepg has no `Pool`: without it there is nothing to compare.
 */
import { loadModules, timed } from '../lib/connectors.mjs';
import { ensure } from '../lib/latency.mjs';
import { fmt, summarize } from '../lib/stats.mjs';

const MODULE = 'scenarios/pool.mjs';
const TOTAL = 10_000;
const SIZE = 4;

function makePool(m, kind, target, role) {
  const base = {
    host: target.host,
    port: target.port,
    user: role.user,
    password: role.password,
    database: role.database,
  };
  if (kind === 'postgres') {
    const sql = m.postgres({ ...base, pass: role.password, max: SIZE, onnotice: () => {} });
    return { query: (i) => sql`select ${i}::int as i`, rowsOf: (r) => r, end: () => sql.end({ timeout: 0 }) };
  }
  const Pool = kind === 'edgepg' ? m.edgepg.Pool : m.pg.Pool;
  const pool = new Pool({ ...base, max: SIZE });
  return {
    query: (i) => pool.query('select $1::int as i', [i]),
    rowsOf: (r) => r.rows,
    end: () => pool.end(),
  };
}

/** Worker: a warm-up round (which also opens the connections), then timed rounds. */
export async function poolRounds({ paths, kind, role, target, rounds }) {
  const m = await loadModules(paths);
  const pool = makePool(m, kind, target, role);
  const qps = [];
  try {
    for (let r = -1; r < rounds; r++) {
      const sample = await timed(() => Promise.all(Array.from({ length: TOTAL }, (_, i) => pool.query(i))));
      if (pool.rowsOf(sample.value[TOTAL - 1])[0].i !== TOTAL - 1) throw new Error(`${kind}: wrong result`);
      if (r >= 0) qps.push(TOTAL / (sample.ms / 1000));
    }
  } finally {
    await pool.end();
  }
  return { qps };
}

export const scenario = {
  id: 'pool',
  title: '(f) Pool of 4, 10k queries in flight',
  method: `${TOTAL.toLocaleString('en-US')} \`select $1::int\` issued at once on a pool of ${SIZE} connections, direct to PostgreSQL at 0 added delay; fresh process per driver, a warm-up round first (it also opens the connections), interleaved passes.`,

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    if (!available.edgepgPool)
      return {
        tables: [],
        metrics: {},
        skipped: [`all drivers: edgepg Pool unavailable (${reasons.edgepgPool})`],
      };
    const drivers = [
      { label: 'edgepg Pool', kind: 'edgepg', need: 'edgepgPool' },
      { label: 'postgres.js max:4', kind: 'postgres', need: 'postgres' },
      { label: 'pg Pool max:4', kind: 'pg', need: 'pg' },
    ].filter((d) => available[d.need]);
    const data = {};
    const passes = ctx.quick ? 1 : 3;
    for (let pass = 0; pass < passes; pass++) {
      for (const d of drivers) {
        ctx.log(`  ${d.label} (pass ${pass + 1}/${passes})…`);
        const out = await ctx.worker(MODULE, 'poolRounds', {
          paths: ctx.paths,
          kind: d.kind,
          role: ctx.roles.password,
          target: { host: ctx.env.pg.host, port: ctx.env.pg.port },
          rounds: ctx.quick ? 2 : 4,
        });
        ensure(data, d.label, () => []).push(...out.qps);
      }
    }
    const rows = [];
    const metrics = {};
    const bars = [];
    for (const [label, qps] of Object.entries(data)) {
      const s = summarize(qps);
      metrics[label] = { qps: s.p50 };
      rows.push([label, String(s.n), fmt(s.p50), fmt(s.min), fmt(s.max)]);
      bars.push({ label, value: s.p50 });
    }
    return {
      tables: [
        {
          title: 'Pool of 4, 10k in flight',
          columns: ['Driver', 'rounds', 'queries/s p50', 'min', 'max'],
          rows,
        },
      ],
      chart: {
        title: 'Pool of 4, 10k select $1::int in flight (queries/s, p50)',
        unit: 'q/s',
        groups: [{ label: 'pool of 4', bars }],
      },
      metrics,
      skipped: [],
    };
  },
};
