/**
 * (e) SCRAM client CPU: client CPU (`process.cpuUsage()`, all threads, so WebCrypto's thread
 * pool counts) and wall time of connect + `select 1` at 0 added delay, with a SCRAM role and with
 * a cleartext role. The difference is what the SCRAM exchange costs the client: edgepg derives
 * the key with one WebCrypto PBKDF2 call, pg with Node's crypto, Neon with 4096 awaited HMACs.
 *
 * TCP for edgepg and pg (direct to PostgreSQL); WebSocket through the ws relay for edgepg and
 * Neon (whose Client has no TCP). `pipelineConnect: false` on both WebSocket clients, so both
 * run the same message sequence and only the client work differs.
 */
import { fmt, median } from '../lib/stats.mjs';

const CONNECT = 'scenarios/connect-tcp.mjs';

const CONFIGS = [
  { label: 'edgepg (tcp)', kind: 'edgepg', need: 'edgepg', transport: 'tcp' },
  { label: 'pg (tcp)', kind: 'pg', need: 'pg', transport: 'tcp' },
  {
    label: 'edgepg (ws) pipelineConnect:false',
    kind: 'edgepg-ws',
    need: 'edgepg',
    transport: 'ws',
    options: { pipelineConnect: false },
  },
  {
    label: 'Neon Client (ws) pipelineConnect:false',
    kind: 'neon-ws',
    need: '@neondatabase/serverless',
    transport: 'ws',
    options: { pipelineConnect: false },
  },
];

export const scenario = {
  id: 'scram-cpu',
  title: '(e) SCRAM client CPU',
  method:
    'Connect + `select 1` at 0 added delay, a new client per sample after two warm-up connects, with a SCRAM role, then with a cleartext role (md5-stored verifier). ' +
    'Client CPU is `process.cpuUsage()` (user + system, all threads) over the connect; "SCRAM exchange" is SCRAM minus cleartext, both p50. TCP goes direct to PostgreSQL; WebSocket through the ws relay, no delay proxy.',

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const skipped = [];
    const rows = [];
    const metrics = {};
    const bars = [];
    for (const c of CONFIGS) {
      if (!available[c.need]) {
        skipped.push(`${c.label}: ${reasons[c.need]}`);
        continue;
      }
      ctx.log(`  ${c.label}…`);
      const target =
        c.transport === 'tcp'
          ? { host: ctx.env.pg.host, port: ctx.env.pg.port }
          : { host: ctx.env.pg.host, port: ctx.env.pg.port, wsPort: ctx.env.relayPort };
      const series = await ctx.worker(CONNECT, 'connectSeries', {
        paths: ctx.paths,
        kind: c.kind,
        options: c.options,
        roles: { scram: ctx.roles.scram, password: ctx.roles.password },
        targets: { 0: target },
        rtts: [0],
        samples: ctx.quick ? 3 : 9,
      });
      const scram = series.scram[0];
      const clear = series.password[0];
      const m = {
        scramCpu: median(scram.cpuMs),
        scramWall: median(scram.ms),
        clearCpu: median(clear.cpuMs),
        clearWall: median(clear.ms),
      };
      m.exchangeCpu = m.scramCpu - m.clearCpu;
      metrics[c.label] = m;
      rows.push([
        c.label,
        String(scram.ms.length),
        fmt(m.scramCpu),
        fmt(m.scramWall),
        fmt(m.clearCpu),
        fmt(m.clearWall),
        fmt(m.exchangeCpu),
      ]);
      bars.push({ label: c.label.replace(' pipelineConnect:false', ''), value: m.scramCpu });
    }
    return {
      tables: [
        {
          title: 'Connect + first query at 0 added delay (p50)',
          columns: [
            'Driver',
            'n',
            'SCRAM: client CPU ms',
            'SCRAM: wall ms',
            'cleartext: client CPU ms',
            'cleartext: wall ms',
            'SCRAM exchange: client CPU ms',
          ],
          rows,
        },
      ],
      chart: {
        title: 'Client CPU of a SCRAM connect + first query (ms, p50)',
        unit: 'ms',
        groups: [{ label: 'SCRAM-SHA-256', bars }],
      },
      metrics,
      skipped,
    };
  },
};
