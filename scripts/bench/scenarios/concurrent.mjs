/**
 * (b) N = 1, 10, 100 concurrent `select $1::int` on ONE connection: all N issued at once, timed
 * until the last result. A pipelining driver needs ~1 RTT for any N; a serialising one N RTT.
 *
 * TCP: edgepg, pg (default and `pipeline: true`), postgres.js (`max: 1`). WebSocket through the
 * ws relay: edgepg and Neon's `Client` (pg 8.8.0 inside, so serialised), for the Neon anchor.
 */
import { loadModules, openSession } from '../lib/connectors.mjs';
import { analyze, judgeRtt, latencyCells, latencyColumns, sampleCount, slotOf } from '../lib/latency.mjs';

const MODULE = 'scenarios/concurrent.mjs';
const NS = [1, 10, 100];

/** Worker: one session per RTT (connect not timed), warm-up, then samples round-robin. */
export async function concurrentSeries({
  paths,
  kind,
  options,
  role,
  targets,
  rtts,
  samples,
  serialSamples,
  serial,
}) {
  await loadModules(paths);
  const sessions = {};
  for (const rtt of rtts) sessions[rtt] = await openSession(kind, targets[rtt], role, options);
  const series = {};
  try {
    // Warm-up: JIT, and postgres.js prepares its statement here (so it is measured prepared).
    for (const rtt of rtts) {
      for (let i = 0; i < 3; i++)
        await Promise.all(Array.from({ length: 10 }, (_, j) => sessions[rtt].selectInt(j)));
    }
    const rounds = Math.max(samples, serialSamples);
    for (let s = 0; s < rounds; s++) {
      for (const n of NS) {
        for (const rtt of rtts) {
          const wanted = serial && n === 100 && rtt > 0 ? serialSamples : samples;
          if (s >= wanted) continue;
          const session = sessions[rtt];
          const started = performance.now();
          const results = await Promise.all(Array.from({ length: n }, (_, i) => session.selectInt(i)));
          const ms = performance.now() - started;
          if (session.rowsOf(results[n - 1])[0].i !== n - 1) throw new Error(`${kind}: wrong result`);
          const slot = slotOf(series, n, rtt);
          slot.ms.push(ms);
        }
      }
    }
  } finally {
    for (const rtt of rtts) await sessions[rtt].end();
  }
  return series;
}

export const scenario = {
  id: 'concurrent',
  title: '(b) N concurrent queries on one connection',
  method:
    '`select $1::int` issued N times at once (`Promise.all`) on one already-connected client, timed until the last result; connect is not timed, and each driver is warmed up first (postgres.js therefore runs its statement prepared). ' +
    "TCP goes through the delay proxy straight to PostgreSQL; WebSocket goes through the delay proxy to a ws→TCP relay (Neon's Client cannot use TCP). " +
    'Serialising drivers (pg default, Neon) get fewer samples at N = 100 with added delay, as each costs ~100 RTT.',

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const q = ctx.quick;
    const role = ctx.roles.password;
    const pgHost = ctx.env.pg;
    const tcpTargets = Object.fromEntries(
      ctx.rtts.map((r) => [r, { host: '127.0.0.1', port: ctx.env.proxies.pg[r] }]),
    );
    const wsTargets = Object.fromEntries(
      ctx.rtts.map((r) => [r, { host: pgHost.host, port: pgHost.port, wsPort: ctx.env.proxies.relay[r] }]),
    );
    const drivers = [
      { label: 'edgepg', kind: 'edgepg', need: 'edgepg', targets: tcpTargets },
      { label: 'pg', kind: 'pg', need: 'pg', targets: tcpTargets, serial: true },
      { label: 'pg pipeline:true', kind: 'pg', options: { pipeline: true }, need: 'pg', targets: tcpTargets },
      { label: 'postgres.js', kind: 'postgres', need: 'postgres', targets: tcpTargets },
      { label: 'edgepg (ws)', kind: 'edgepg-ws', need: 'edgepg', targets: wsTargets },
      {
        label: 'Neon Client (ws)',
        kind: 'neon-ws',
        need: '@neondatabase/serverless',
        targets: wsTargets,
        serial: true,
      },
    ];
    const skipped = [];
    const series = {};
    for (const d of drivers) {
      if (!available[d.need]) {
        skipped.push(`${d.label}: ${reasons[d.need]}`);
        continue;
      }
      ctx.log(`  ${d.label}…`);
      series[d.label] = await ctx.worker(MODULE, 'concurrentSeries', {
        paths: ctx.paths,
        kind: d.kind,
        options: d.options,
        role,
        targets: d.targets,
        rtts: ctx.rtts,
        samples: q ? 4 : 15,
        serialSamples: q ? 1 : 3,
        serial: Boolean(d.serial),
      });
    }

    const judge = judgeRtt(ctx);
    const rows = [];
    const metrics = {};
    const groups = [];
    for (const n of NS) {
      const bars = [];
      for (const [label, byN] of Object.entries(series)) {
        const analysis = analyze(byN[n], ctx);
        rows.push([label, String(n), sampleCount(analysis), ...latencyCells(analysis, ctx)]);
        const count = judge ? analysis[judge]?.count : undefined;
        metrics[`${label}|${n}`] = { count, p50At0: analysis[0]?.stats.p50 };
        bars.push({ label, value: count ? count.exact : analysis[0]?.stats.p50 });
      }
      groups.push({ label: `N = ${n}`, bars });
    }
    return {
      tables: [
        {
          title: 'N concurrent `select $1::int`, one connection',
          columns: ['Driver', 'N', 'n', ...latencyColumns(ctx)],
          rows,
        },
      ],
      chart: {
        title: judge
          ? `N concurrent queries on one connection: round trips at ${judge} ms RTT (unrounded)`
          : 'N concurrent queries (ms at 0 added delay)',
        unit: judge ? 'RTT' : 'ms',
        groups,
      },
      metrics,
      skipped,
    };
  },
};
