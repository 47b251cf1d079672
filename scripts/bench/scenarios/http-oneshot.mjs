/**
 * (f) HTTP one-shot through edgepg's local server (`POST /sql`): edgepg's `neon()` vs Neon's
 * `neon()`, both on Node's global `fetch`, `select $1::int`.
 *
 * - cold: the first query of a process to that address, so a new TCP connection (the delay
 *   proxy emulates its handshake RTT). One sample per RTT per fresh process.
 * - warm: later queries on the kept-alive connection.
 * The server's own pool to PostgreSQL is warm in both cases (warmed before measuring).
 */
import { neonHttpDrivers } from '../lib/drivers.mjs';
import {
  analyze,
  ensure,
  judgeRtt,
  latencyCells,
  latencyColumns,
  mergeSeries,
  sampleCount,
  slotOf,
} from '../lib/latency.mjs';
import { fmt, summarize } from '../lib/stats.mjs';

const MODULE = 'scenarios/http-oneshot.mjs';

async function loadNeon(which, paths) {
  const module =
    which === 'edgepg' ? await import(paths.edgepgHttp) : await import('@neondatabase/serverless');
  // Both read the endpoint from the connection string's host and port.
  module.neonConfig.fetchEndpoint = (_host, port) => `http://127.0.0.1:${port}/sql`;
  return module.neon;
}

/**
 * Worker: cold sample per RTT (new address), then `warm` samples per RTT round-robin, then
 * `overheadSamples` warm queries straight to the server for the client-overhead figures.
 */
export async function httpSeries({ paths, which, role, ports, direct, rtts, warm, overheadSamples }) {
  const neon = await loadNeon(which, paths);
  const sqlFor = (port) =>
    neon(`postgresql://${role.user}:${encodeURIComponent(role.password)}@127.0.0.1:${port}/${role.database}`);
  const once = async (sql, i) => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const rows = await sql`select ${i}::int as i`;
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    if (rows[0].i !== i) throw new Error(`${which}: wrong result`);
    return { ms, cpuMs: (used.user + used.system) / 1000 };
  };
  // JIT and the server's upstream pool, on another address.
  const warmup = sqlFor(direct);
  for (let i = 0; i < 3; i++) await once(warmup, i);
  const cold = {};
  const hot = {};
  const sqls = {};
  for (const rtt of rtts) {
    sqls[rtt] = sqlFor(ports[rtt]);
    const sample = await once(sqls[rtt], 1);
    cold[rtt] = { ms: [sample.ms], cpuMs: [sample.cpuMs] };
  }
  for (let s = 0; s < warm; s++) {
    for (const rtt of rtts) {
      const sample = await once(sqls[rtt], s);
      const slot = slotOf(hot, 'warm', rtt);
      slot.ms.push(sample.ms);
      slot.cpuMs.push(sample.cpuMs);
    }
  }
  // Client work per warm query, measured apart from the delay line: a burst straight to the
  // server (no proxy), so the CPU figure is not diluted by timers waiting out an RTT.
  const burst = [];
  for (let s = 0; s < overheadSamples; s++) burst.push(await once(warmup, s));
  return { cold, warm: hot.warm, direct: { ms: burst.map((b) => b.ms), cpuMs: burst.map((b) => b.cpuMs) } };
}

const LEDGER = { cold: 2, warm: 1 };

export const scenario = {
  id: 'http-oneshot',
  title: '(f) HTTP one-shot query (neon())',
  method:
    "`select $1::int` as a tagged template with each driver's `neon()` against edgepg's local server through the delay proxy (`neonConfig.fetchEndpoint` pointed at it; Node's global `fetch`). " +
    '*cold* = first query of a fresh process to that address (new TCP connection; one sample per process), *warm* = later queries on the kept-alive connection. Ledger: cold 2 RTT (TCP + request), warm 1. ' +
    "*Client overhead*: after those, each process sends warm queries straight to the server (no delay proxy) and times each with `process.cpuUsage()` (client CPU, the driver and Node's `fetch`) and wall clock; both drivers hit the same server, so their difference is client-side.",

  async run(ctx) {
    const { drivers, skipped } = neonHttpDrivers(ctx.drivers);
    if (!ctx.drivers.available.localServer) return { tables: [], metrics: {}, skipped };

    const series = {};
    const overhead = {};
    const processes = ctx.quick ? 2 : 7;
    for (let p = 0; p < processes; p++) {
      for (const d of drivers) {
        if (p === 0) ctx.log(`  ${d.label} (${processes} processes)…`);
        const out = await ctx.worker(MODULE, 'httpSeries', {
          paths: ctx.paths,
          which: d.which,
          role: ctx.roles.password,
          ports: ctx.env.proxies.server,
          direct: ctx.env.serverPort,
          rtts: ctx.rtts,
          warm: ctx.quick ? 3 : 5,
          overheadSamples: ctx.quick ? 20 : 100,
        });
        mergeSeries(series, { [`${d.label}|cold`]: out.cold, [`${d.label}|warm`]: out.warm });
        const slot = ensure(overhead, d.label, () => ({ ms: [], cpuMs: [] }));
        slot.ms.push(...out.direct.ms);
        slot.cpuMs.push(...out.direct.cpuMs);
      }
    }
    const judge = judgeRtt(ctx);
    const rows = [];
    const metrics = {};
    const groups = { cold: [], warm: [] };
    for (const [key, byRtt] of Object.entries(series)) {
      const [label, mode] = key.split('|');
      const analysis = analyze(byRtt, ctx);
      const count = judge ? analysis[judge]?.count : undefined;
      metrics[key] = { count, p50At0: analysis[0]?.stats.p50 };
      rows.push([label, mode, sampleCount(analysis), ...latencyCells(analysis, ctx), String(LEDGER[mode])]);
      groups[mode].push({ label, value: count ? count.exact : analysis[0]?.stats.p50 });
    }
    const overheadRows = [];
    for (const [label, d] of Object.entries(overhead)) {
      const wall = summarize(d.ms);
      const cpu = summarize(d.cpuMs);
      metrics[`${label}|overhead`] = { wallP50: wall.p50, cpuP50: cpu.p50 };
      overheadRows.push([
        label,
        String(wall.n),
        `${fmt(wall.p50)} (${fmt(wall.p90)} / ${fmt(wall.p99)})`,
        `${fmt(cpu.p50 * 1000)} (${fmt(cpu.p90 * 1000)} / ${fmt(cpu.p99 * 1000)})`,
      ]);
    }
    return {
      tables: [
        {
          title: 'HTTP one-shot `select $1::int`',
          columns: ['Driver', 'Mode', 'n', ...latencyColumns(ctx), 'Ledger'],
          rows,
        },
        {
          title: 'Warm `select $1::int` straight to the local server (no delay proxy): client overhead',
          columns: ['Driver', 'n', 'wall p50 (p90 / p99) ms', 'client CPU p50 (p90 / p99) µs'],
          rows: overheadRows,
        },
      ],
      chart: {
        title: judge
          ? `HTTP one-shot query: round trips at ${judge} ms RTT (unrounded)`
          : 'HTTP one-shot query (ms at 0 added delay)',
        unit: judge ? 'RTT' : 'ms',
        groups: [
          { label: 'cold (new connection)', bars: groups.cold },
          { label: 'warm (kept alive)', bars: groups.warm },
        ],
      },
      metrics,
      skipped,
    };
  },
};
