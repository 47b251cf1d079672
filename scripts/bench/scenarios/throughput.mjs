/**
 * (c) 10,000 `select $1::int` in flight on ONE TCP connection, direct to PostgreSQL (no proxy,
 * no added delay): queries per second, and client CPU per query.
 *
 * Each driver runs in fresh processes (`passes` of them, interleaved with the other drivers so a
 * busy neighbour hurts everyone alike), each with a warm-up round and then timed rounds.
 */
import { loadModules, openSession, timed } from '../lib/connectors.mjs';
import { ensure } from '../lib/latency.mjs';
import { fmt, median, summarize } from '../lib/stats.mjs';

const MODULE = 'scenarios/throughput.mjs';
const TOTAL = 10_000;

/** Worker: one connection; a warm-up round, then `rounds` timed rounds of TOTAL at once. */
export async function throughputRounds({ paths, kind, options, role, target, rounds }) {
  await loadModules(paths);
  const session = await openSession(kind, target, role, options);
  const qps = [];
  const cpuUsPerQuery = [];
  try {
    for (let r = -1; r < rounds; r++) {
      const sample = await timed(() =>
        Promise.all(Array.from({ length: TOTAL }, (_, i) => session.selectInt(i))),
      );
      const last = session.rowsOf(sample.value[TOTAL - 1])[0].i;
      if (last !== TOTAL - 1) throw new Error(`${kind}: wrong result ${last}`);
      if (r < 0) continue;
      qps.push(TOTAL / (sample.ms / 1000));
      cpuUsPerQuery.push((sample.cpuMs * 1000) / TOTAL);
    }
  } finally {
    await session.end();
  }
  return { qps, cpuUsPerQuery };
}

export const DRIVERS = [
  { label: 'edgepg', kind: 'edgepg', need: 'edgepg' },
  { label: 'pg pipeline:true', kind: 'pg', options: { pipeline: true }, need: 'pg' },
  { label: 'postgres.js', kind: 'postgres', need: 'postgres' },
  { label: 'pg (default)', kind: 'pg', need: 'pg', fullOnly: true },
];

export const scenario = {
  id: 'throughput',
  title: '(c) 10k queries in flight on one TCP connection',
  method:
    `${TOTAL.toLocaleString('en-US')} \`select $1::int\` issued at once on one connected client, direct to PostgreSQL at 0 added delay, timed until the last result. ` +
    'Each driver keeps its own pipeline bound (edgepg `maxPipeline` 100, postgres.js `max_pipeline` 100, pg `pipeline: true` unbounded). ' +
    "Fresh process per driver, interleaved passes, one warm-up round per process; client CPU is `process.cpuUsage()` per query. pg's default (serialised) mode is measured in full runs only, for context.",

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const passes = ctx.quick ? 1 : 3;
    const rounds = ctx.quick ? 2 : 4;
    const target = { host: ctx.env.pg.host, port: ctx.env.pg.port };
    const skipped = [];
    const drivers = DRIVERS.filter((d) => {
      if (d.fullOnly && ctx.quick) return false;
      if (available[d.need]) return true;
      skipped.push(`${d.label}: ${reasons[d.need]}`);
      return false;
    });
    const data = {};
    for (let pass = 0; pass < passes; pass++) {
      for (const d of drivers) {
        ctx.log(`  ${d.label} (pass ${pass + 1}/${passes})…`);
        const out = await ctx.worker(MODULE, 'throughputRounds', {
          paths: ctx.paths,
          kind: d.kind,
          options: d.options,
          role: ctx.roles.password,
          target,
          rounds,
        });
        const slot = ensure(data, d.label, () => ({ qps: [], cpuUsPerQuery: [] }));
        slot.qps.push(...out.qps);
        slot.cpuUsPerQuery.push(...out.cpuUsPerQuery);
      }
    }
    const metrics = {};
    const rows = [];
    const bars = [];
    for (const [label, d] of Object.entries(data)) {
      const s = summarize(d.qps);
      metrics[label] = { qps: s.p50 };
      rows.push([label, String(s.n), fmt(s.p50), fmt(s.min), fmt(s.max), fmt(median(d.cpuUsPerQuery))]);
      bars.push({ label, value: s.p50 });
    }
    return {
      tables: [
        {
          title: `${TOTAL.toLocaleString('en-US')} in flight, one connection, 0 added delay`,
          columns: ['Driver', 'rounds', 'queries/s p50', 'min', 'max', 'client CPU µs/query p50'],
          rows,
        },
      ],
      chart: {
        title: '10k select $1::int in flight on one TCP connection (queries/s, p50)',
        unit: 'q/s',
        groups: [{ label: 'one connection', bars }],
      },
      metrics,
      skipped,
    };
  },
};
