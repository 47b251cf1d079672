/**
 * (f) WebSocket cold connect + first query: edgepg's `Client` vs Neon's `Client` (both with the
 * `ws` package, `ws:`), over two paths:
 *
 * - relay: a ws→TCP byte pipe (like Neon's wsproxy), so the client authenticates with
 *   PostgreSQL end to end: cleartext and SCRAM roles.
 * - server: edgepg's local Neon-compatible server (`startServer`), which asks every WebSocket
 *   client for a cleartext password and authenticates upstream itself.
 *
 * Options are each driver's defaults except where a label names one. Neon's default
 * `pipelineConnect: 'password'` cannot authenticate against SCRAM (its CONFIG.md), so its SCRAM
 * rows use `pipelineConnect: false`; edgepg's SCRAM rows are shown with its WebSocket default
 * and with `'auto'` (cold-first and cold-repeat, as in connect-tcp).
 */
import {
  analyze,
  judgeRtt,
  latencyCells,
  latencyColumns,
  mergeSeries,
  sampleCount,
} from '../lib/latency.mjs';
import { fmt } from '../lib/stats.mjs';

const CONNECT = 'scenarios/connect-tcp.mjs';

const CONFIGS = [
  { path: 'relay', label: 'edgepg', kind: 'edgepg-ws', need: 'edgepg', roles: ['password', 'scram'] },
  {
    path: 'relay',
    label: "edgepg pipelineConnect:'auto'",
    kind: 'edgepg-ws',
    need: 'edgepg',
    roles: ['scram'],
    cold: true,
    options: { pipelineConnect: 'auto' },
  },
  {
    path: 'relay',
    label: 'Neon Client',
    kind: 'neon-ws',
    need: '@neondatabase/serverless',
    roles: ['password', 'scram'],
    roleOptions: { scram: { pipelineConnect: false } },
  },
  {
    path: 'server',
    label: 'edgepg',
    kind: 'edgepg-ws',
    need: 'edgepg',
    server: true,
    roles: ['password', 'scram'],
  },
  {
    path: 'server',
    label: 'Neon Client',
    kind: 'neon-ws',
    need: '@neondatabase/serverless',
    server: true,
    roles: ['password', 'scram'],
  },
];

/** TCP 1 + WebSocket upgrade 1 + Postgres flights (performance.md §4.2). */
const LEDGER = {
  'relay|edgepg|password': 3,
  // A cleartext guess the server refuses (3), then a reconnect without speculating (5).
  'relay|edgepg|scram': 8,
  'relay|Neon Client|password': 3,
  "relay|edgepg pipelineConnect:'auto' first|scram": 5,
  "relay|edgepg pipelineConnect:'auto' repeat|scram": 4,
  'relay|Neon Client pipelineConnect:false|scram': 6,
  'server|edgepg|password': 3,
  'server|edgepg|scram': 3,
  'server|Neon Client|password': 3,
  'server|Neon Client|scram': 3,
};

export const scenario = {
  id: 'ws-connect',
  title: '(f) WebSocket cold connect + first query',
  method:
    "A new client per sample: `connect()` + `select 1` over `ws:` through the delay proxy, either to a ws→TCP relay (the client authenticates with PostgreSQL itself) or to edgepg's local server (which asks the client for a cleartext password and authenticates upstream). " +
    'RTT counts include the TCP handshake and the WebSocket upgrade. "first"/"repeat" as in (a). Client CPU is `process.cpuUsage()` at 0 added delay.',

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const skipped = [];
    const results = [];
    for (const c of CONFIGS) {
      if (!available[c.need]) {
        skipped.push(`${c.path} / ${c.label}: ${reasons[c.need]}`);
        continue;
      }
      if (c.server && !available.localServer) {
        skipped.push(`${c.path} / ${c.label}: ${reasons.localServer}`);
        continue;
      }
      const ports = c.server ? ctx.env.proxies.server : ctx.env.proxies.relay;
      // The database address is nominal (wsProxy is a function that ignores it): one per RTT,
      // so edgepg's per-server memory treats each RTT as a different server.
      const targets = Object.fromEntries(
        ctx.rtts.map((r) => [r, { host: '127.0.0.1', port: ports[r], wsPort: ports[r] }]),
      );
      const roles = Object.fromEntries(c.roles.map((r) => [r, ctx.roles[r]]));
      ctx.log(`  ${c.path} / ${c.label}…`);
      if (c.cold) {
        const first = {};
        const repeat = {};
        const direct = c.server ? ctx.env.serverPort : ctx.env.relayPort;
        for (let p = 0; p < (ctx.quick ? 2 : 7); p++) {
          const out = await ctx.worker(CONNECT, 'edgepgColdSeries', {
            paths: ctx.paths,
            kind: c.kind,
            options: c.options,
            roles,
            targets,
            direct: { host: '127.0.0.1', port: direct, wsPort: direct },
            rtts: ctx.rtts,
            repeats: ctx.quick ? 2 : 3,
          });
          mergeSeries(first, out.first);
          mergeSeries(repeat, out.repeat);
        }
        results.push({ ...c, label: `${c.label} first`, series: first });
        results.push({ ...c, label: `${c.label} repeat`, series: repeat });
      } else {
        const series = await ctx.worker(CONNECT, 'connectSeries', {
          paths: ctx.paths,
          kind: c.kind,
          options: c.options,
          roleOptions: c.roleOptions,
          roles,
          targets,
          rtts: ctx.rtts,
          samples: ctx.quick ? 3 : 9,
        });
        results.push({ ...c, series });
      }
    }

    const judge = judgeRtt(ctx);
    const rows = [];
    const metrics = {};
    const groups = new Map();
    for (const r of results) {
      for (const role of r.roles) {
        const analysis = analyze(r.series[role], ctx);
        const option = r.roleOptions?.[role]?.pipelineConnect === false ? ' pipelineConnect:false' : '';
        const label = `${r.label}${option}`;
        const key = `${r.path}|${label}|${role}`;
        const count = judge ? analysis[judge]?.count : undefined;
        metrics[key] = { count, p50At0: analysis[0]?.stats.p50, cpuAt0: analysis[0]?.cpu?.p50 };
        rows.push([
          r.path,
          label,
          role === 'scram' ? 'SCRAM' : 'cleartext',
          sampleCount(analysis),
          ...latencyCells(analysis, ctx),
          String(LEDGER[key] ?? '—'),
          fmt(analysis[0]?.cpu?.p50),
        ]);
        const group = `${r.path} · ${role === 'scram' ? 'SCRAM' : 'cleartext'}`;
        if (!groups.has(group)) groups.set(group, []);
        groups.get(group).push({ label, value: count ? count.exact : analysis[0]?.stats.p50 });
      }
    }
    const notes = [];
    if (metrics['relay|edgepg|scram']) {
      notes.push(
        "edgepg's WebSocket default `pipelineConnect: 'password'` guesses cleartext; a SCRAM server refuses the guess and the client reconnects without speculating, so `relay / edgepg / SCRAM` pays two connections (ledger 3 + 5).",
      );
    }
    if (metrics['relay|Neon Client pipelineConnect:false|scram']) {
      notes.push(
        "Neon's SCRAM row is CPU-bound (4096 awaited HMACs; see (e) SCRAM client CPU) and its wall time varies with machine load, so its RTT count mixes CPU time with round trips.",
      );
    }
    return {
      notes,
      tables: [
        {
          title: 'WebSocket connect + first query (new client per sample)',
          columns: ['Path', 'Driver', 'Auth', 'n', ...latencyColumns(ctx), 'Ledger', 'Client CPU @0 p50 ms'],
          rows,
        },
      ],
      chart: {
        title: judge
          ? `WebSocket connect + first query: round trips at ${judge} ms RTT (unrounded)`
          : 'WebSocket connect + first query (ms at 0 added delay)',
        unit: judge ? 'RTT' : 'ms',
        groups: [...groups].map(([label, bars]) => ({ label, bars })),
      },
      metrics,
      skipped,
    };
  },
};
