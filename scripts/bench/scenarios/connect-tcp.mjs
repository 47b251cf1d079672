/**
 * (a) Cold TCP connect + first query, per auth method: a new client, `connect()`, `select 1`.
 *
 * pg and postgres.js have no memory between clients, so every new client is equally cold.
 * edgepg's default `pipelineConnect: 'auto'` remembers which auth method a server asked for and
 * answers it before being asked next time, so it is reported twice:
 * - cold-first: the first connection of a process to that server (nothing remembered). Each
 *   sample comes from a fresh process, JIT-warmed on a connection to a different address.
 * - cold-repeat: later new clients in the same process (the method is remembered).
 */

import { loadModules, openSession, timed } from '../lib/connectors.mjs';
import {
  analyze,
  judgeRtt,
  latencyCells,
  latencyColumns,
  mergeSeries,
  sampleCount,
  slotOf,
} from '../lib/latency.mjs';
import { fmt } from '../lib/stats.mjs';

const MODULE = 'scenarios/connect-tcp.mjs';

/** Round trips to the first result, from the protocol (performance.md §4.2), TCP handshake included. */
const LEDGER = {
  'pg|scram': 5,
  'pg|password': 4,
  'postgres|scram': 6,
  'postgres|password': 5,
  'edgepg first|scram': 4,
  'edgepg first|password': 3,
  'edgepg repeat|scram': 3,
  'edgepg repeat|password': 2,
};

async function connectOnce(kind, target, role, options) {
  let session;
  const sample = await timed(async () => {
    session = await openSession(kind, target, role, options);
  });
  await session.end();
  return { ms: sample.ms, cpuMs: sample.cpuMs };
}

function push(series, key, rtt, sample) {
  const slot = slotOf(series, key, rtt);
  slot.ms.push(sample.ms);
  slot.cpuMs.push(sample.cpuMs);
}

/**
 * Worker: `samples` new clients per (role, RTT), round-robin over RTTs, after a warm-up on the
 * 0-delay target. `targets` maps RTT to a connectors.mjs target.
 */
export async function connectSeries({ paths, kind, options, roleOptions, roles, targets, rtts, samples }) {
  await loadModules(paths);
  const series = {};
  for (const [name, role] of Object.entries(roles)) {
    const opts = { ...options, ...roleOptions?.[name] };
    for (let i = 0; i < 2; i++) await connectOnce(kind, targets[0], role, opts);
    for (let s = 0; s < samples; s++) {
      for (const rtt of rtts) push(series, name, rtt, await connectOnce(kind, targets[rtt], role, opts));
    }
  }
  return series;
}

/**
 * Worker for edgepg's remembered auth (`pipelineConnect: 'auto'`): one cold-first sample per
 * (role, RTT) — each RTT is a different address, so a different server as far as edgepg's
 * memory goes — then `repeats` cold-repeat samples. The JIT is warmed on `direct`, another
 * address, so cold-first is cold in memory only.
 */
export async function edgepgColdSeries({
  paths,
  kind = 'edgepg',
  options,
  roles,
  targets,
  direct,
  rtts,
  repeats,
}) {
  await loadModules(paths);
  const first = {};
  const repeat = {};
  for (const [name, role] of Object.entries(roles)) {
    for (let i = 0; i < 2; i++) await connectOnce(kind, direct, role, options);
    for (const rtt of rtts) push(first, name, rtt, await connectOnce(kind, targets[rtt], role, options));
    for (let s = 0; s < repeats; s++) {
      for (const rtt of rtts) push(repeat, name, rtt, await connectOnce(kind, targets[rtt], role, options));
    }
  }
  return { first, repeat };
}

export const scenario = {
  id: 'connect-tcp',
  title: '(a) Cold TCP connect + first query',
  method:
    'A new client per sample: `connect()` then `select 1`, timed until the result arrives, through the delay proxy (which also emulates the TCP handshake RTT). ' +
    'Roles: SCRAM-SHA-256 (`scram-sha-256` in pg_hba) and cleartext (`password` in pg_hba, md5-stored verifier). ' +
    'edgepg runs with its default `pipelineConnect: "auto"`: *first* = first connection of a fresh process to that server, *repeat* = later connections (auth method remembered). ' +
    'Client CPU is `process.cpuUsage()` over the same interval. "Ledger" is the protocol round-trip count expected from performance.md §4.2 (TCP handshake included), for reference only.',

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const samples = ctx.quick ? 3 : 9;
    const targets = Object.fromEntries(
      ctx.rtts.map((r) => [r, { host: '127.0.0.1', port: ctx.env.proxies.pg[r] }]),
    );
    const common = { paths: ctx.paths, roles: ctx.roles, targets, rtts: ctx.rtts };
    const results = {};
    const skipped = [];

    for (const kind of ['pg', 'postgres']) {
      if (!available[kind]) {
        skipped.push(`${kind}: ${reasons[kind]}`);
        continue;
      }
      ctx.log(`  ${kind}…`);
      results[kind] = await ctx.worker(MODULE, 'connectSeries', { ...common, kind, samples });
    }
    if (available.edgepg) {
      ctx.log('  edgepg (a fresh process per cold-first sample)…');
      results['edgepg first'] = {};
      results['edgepg repeat'] = {};
      const processes = ctx.quick ? 2 : 7;
      for (let p = 0; p < processes; p++) {
        const out = await ctx.worker(MODULE, 'edgepgColdSeries', {
          ...common,
          direct: { host: ctx.env.pg.host, port: ctx.env.pg.port },
          repeats: ctx.quick ? 2 : 3,
        });
        mergeSeries(results['edgepg first'], out.first);
        mergeSeries(results['edgepg repeat'], out.repeat);
      }
    } else {
      skipped.push(`edgepg: ${reasons.edgepg}`);
    }

    const judge = judgeRtt(ctx);
    const rows = [];
    const chartGroups = { scram: [], password: [] };
    const metrics = {};
    for (const [driver, series] of Object.entries(results)) {
      for (const role of ['scram', 'password']) {
        const analysis = analyze(series[role], ctx);
        const label = driver === 'postgres' ? 'postgres.js' : driver;
        rows.push([
          label,
          role === 'scram' ? 'SCRAM' : 'cleartext',
          sampleCount(analysis),
          ...latencyCells(analysis, ctx),
          String(LEDGER[`${driver}|${role}`] ?? '—'),
          fmt(analysis[0]?.cpu?.p50),
        ]);
        const count = judge ? analysis[judge]?.count : undefined;
        chartGroups[role].push({
          label,
          value: count ? count.exact : analysis[0]?.stats.p50,
        });
        metrics[`${driver}|${role}`] = {
          p50At0: analysis[0]?.stats.p50,
          count,
          cpuAt0: analysis[0]?.cpu?.p50,
        };
      }
    }
    return {
      tables: [
        {
          title: 'Connect + first query (new client per sample)',
          columns: ['Driver', 'Auth', 'n', ...latencyColumns(ctx), 'Ledger', 'Client CPU @0 p50 ms'],
          rows,
        },
      ],
      chart: {
        title: judge
          ? `Connect + first query over TCP: round trips at ${judge} ms RTT (unrounded)`
          : 'Connect + first query over TCP (ms at 0 added delay)',
        unit: judge ? 'RTT' : 'ms',
        groups: [
          { label: 'SCRAM', bars: chartGroups.scram },
          { label: 'cleartext', bars: chartGroups.password },
        ],
      },
      metrics,
      skipped,
    };
  },
};
