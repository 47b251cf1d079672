/**
 * The goals of issues #4 and #9, each judged against numbers from this run only. A goal whose
 * scenario did not run, or whose driver is missing, says so instead of guessing.
 *
 * A goal: { goal, target, scenario, judge(metrics, ctx) → { status: 'HIT'|'MISS'|'SKIP', measured } }
 * where `metrics` are the scenario's own metrics.
 */
import { fmt } from './stats.mjs';

const pass = (ok, measured) => ({ status: ok ? 'HIT' : 'MISS', measured });
const skip = (why) => ({ status: 'SKIP', measured: why });
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : undefined);
const count = (c) => (c ? `${c.rounded} RTT (${c.exact.toFixed(2)}${c.noisy ? ', ⚠ noisy' : ''})` : '—');

const KB = 1000;
const times = (r) => (r === undefined ? '—' : `${r.toFixed(2)}×`);

/** A goal on an RTT count: `metric` is { count } or undefined. */
function rttGoal(metric, max, missing) {
  if (!metric) return skip(missing);
  if (!metric.count) return skip('no RTT > 0 in this run (use --rtt)');
  return pass(metric.count.rounded <= max, count(metric.count));
}

export const GOALS = [
  {
    goal: 'WS connect + first query, cleartext — edgepg via ws relay',
    target: '≤ 3 RTT',
    scenario: 'ws-connect',
    judge: (m) => rttGoal(m['relay|edgepg|password'], 3, 'edgepg (ws) not measured'),
  },
  {
    goal: 'WS connect + first query, cleartext — edgepg via local server',
    target: '≤ 3 RTT',
    scenario: 'ws-connect',
    judge: (m) => rttGoal(m['server|edgepg|password'], 3, 'local server not available'),
  },
  {
    goal: "WS connect + first query, SCRAM — edgepg via ws relay, pipelineConnect 'auto', method remembered (cold-repeat)",
    target: '≤ 4 RTT',
    scenario: 'ws-connect',
    judge: (m) => rttGoal(m["relay|edgepg pipelineConnect:'auto' repeat|scram"], 4, 'not measured'),
  },
  {
    goal: "WS connect + first query, SCRAM — edgepg via ws relay, first connection of a process ('auto' cold-first)",
    target: '≤ 4 RTT',
    scenario: 'ws-connect',
    judge: (m) => rttGoal(m["relay|edgepg pipelineConnect:'auto' first|scram"], 4, 'not measured'),
  },
  {
    goal: 'WS connect + first query, SCRAM — edgepg client CPU (connect + select 1, ws, p50)',
    target: '< 15 ms',
    scenario: 'scram-cpu',
    judge: (m) => {
      const ws = m['edgepg (ws) pipelineConnect:false'];
      if (!ws) return skip('edgepg (ws) not measured');
      const tcp = m['edgepg (tcp)'];
      return pass(
        ws.scramCpu < 15,
        `${fmt(ws.scramCpu)} ms (TCP: ${fmt(tcp?.scramCpu)} ms; SCRAM exchange alone ≈ ${fmt(ws.exchangeCpu)} ms)`,
      );
    },
  },
  {
    goal: 'N = 100 concurrent queries on one connection — edgepg over TCP',
    target: '≤ 2 RTT (Neon ~100)',
    scenario: 'concurrent',
    judge: (m) => {
      const verdict = rttGoal(m['edgepg|100'], 2, 'edgepg not measured');
      const ws = m['edgepg (ws)|100']?.count;
      const neon = m['Neon Client (ws)|100']?.count;
      if (ws || neon) verdict.measured += `; over ws: edgepg ${count(ws)}, Neon ${count(neon)}`;
      return verdict;
    },
  },
  {
    goal: '10k `select $1::int` in flight, one TCP connection — edgepg vs the faster of postgres.js and pg pipeline:true',
    target: '≥ 1.0×',
    scenario: 'throughput',
    judge: (m) => {
      const ours = m.edgepg?.qps;
      const peers = [
        ['postgres.js', m['postgres.js']?.qps],
        ['pg pipeline:true', m['pg pipeline:true']?.qps],
      ].filter(([, q]) => Number.isFinite(q));
      if (!Number.isFinite(ours) || peers.length === 0) return skip('edgepg or both peers not measured');
      const [name, best] = peers.reduce((a, b) => (b[1] > a[1] ? b : a));
      const r = ratio(ours, best);
      return pass(r >= 1.0, `${times(r)} (edgepg ${fmt(ours)} q/s vs ${name} ${fmt(best)} q/s)`);
    },
  },
  {
    goal: 'Decode 100k rows × 10 columns, objects — edgepg vs pg rows/s',
    target: '≥ 1.2×',
    scenario: 'decode',
    judge: (m) => {
      const ours = m['edgepg|objects']?.rowsPerS;
      const theirs = m['pg|objects']?.rowsPerS;
      const r = ratio(ours, theirs);
      if (r === undefined) return skip('edgepg or pg not measured');
      return pass(r >= 1.2, `${times(r)} (edgepg ${fmt(ours)} rows/s vs pg ${fmt(theirs)})`);
    },
  },
  {
    goal: 'Decode 100k rows × 10 columns, objects — edgepg vs postgres.js rows/s',
    target: '≥ 1.0×',
    scenario: 'decode',
    judge: (m) => {
      const ours = m['edgepg|objects']?.rowsPerS;
      const theirs = m['postgres.js|objects']?.rowsPerS;
      const r = ratio(ours, theirs);
      if (r === undefined) return skip('edgepg or postgres.js not measured');
      return pass(r >= 1.0, `${times(r)} (edgepg ${fmt(ours)} rows/s vs postgres.js ${fmt(theirs)})`);
    },
  },
  {
    goal: "WS cold connect — edgepg's RTT count vs Neon's, each with its defaults (Neon SCRAM: pipelineConnect false, as it requires)",
    target: 'edgepg ≤ Neon in every case',
    scenario: 'ws-connect',
    judge: (m) => {
      const pairs = [
        ['relay cleartext', 'relay|edgepg|password', 'relay|Neon Client|password'],
        ['relay SCRAM', 'relay|edgepg|scram', 'relay|Neon Client pipelineConnect:false|scram'],
        ['server cleartext', 'server|edgepg|password', 'server|Neon Client|password'],
        ['server SCRAM role', 'server|edgepg|scram', 'server|Neon Client|scram'],
      ];
      const parts = [];
      let ok = true;
      let any = false;
      for (const [name, ours, theirs] of pairs) {
        const a = m[ours]?.count;
        const b = m[theirs]?.count;
        if (!a || !b) continue;
        // A noisy count cannot decide a comparison either way: shown, not judged.
        if (a.noisy || b.noisy) {
          parts.push(`${name}: ${a.rounded} vs ${b.rounded} (⚠ noisy, not judged)`);
          continue;
        }
        any = true;
        if (a.rounded > b.rounded) ok = false;
        parts.push(`${name}: ${a.rounded} vs ${b.rounded}`);
      }
      const auto = m["relay|edgepg pipelineConnect:'auto' first|scram"]?.count;
      if (auto)
        parts.push(
          `(relay SCRAM with edgepg 'auto': first ${auto.rounded}, repeat ${m["relay|edgepg pipelineConnect:'auto' repeat|scram"]?.count?.rounded ?? '—'})`,
        );
      if (!any) return skip(`no pair measured without noise at RTT > 0: ${parts.join('; ')}`);
      return pass(ok, parts.join('; '));
    },
  },
  {
    goal: 'SCRAM connect + first query over ws — Neon client CPU ÷ edgepg client CPU',
    target: '≥ 10×',
    scenario: 'scram-cpu',
    judge: (m) => {
      const ours = m['edgepg (ws) pipelineConnect:false'];
      const neon = m['Neon Client (ws) pipelineConnect:false'];
      if (!ours || !neon) return skip('edgepg (ws) or Neon not measured');
      const r = ratio(neon.scramCpu, ours.scramCpu);
      return pass(
        r >= 10,
        `${times(r)} CPU (Neon ${fmt(neon.scramCpu)} ms vs edgepg ${fmt(ours.scramCpu)} ms); wall ${times(ratio(neon.scramWall, ours.scramWall))}`,
      );
    },
  },
  {
    goal: 'WS cold connect + first query with SCRAM (ws relay, each with its defaults; Neon pipelineConnect false) — Neon wall time ÷ edgepg wall time, and RTT counts',
    target: '≥ 10× faster and edgepg ≤ Neon RTT',
    scenario: 'ws-connect',
    judge: (m, ctx) => {
      const scram = ctx.results?.['scram-cpu']?.metrics ?? {};
      const ours = scram['edgepg (ws) pipelineConnect:false'];
      const neon = scram['Neon Client (ws) pipelineConnect:false'];
      if (!ours || !neon) return skip('scram-cpu scenario: edgepg (ws) or Neon not measured');
      const r = ratio(neon.scramWall, ours.scramWall);
      const a = m['relay|edgepg|scram']?.count;
      const auto = m["relay|edgepg pipelineConnect:'auto' first|scram"]?.count;
      const b = m['relay|Neon Client pipelineConnect:false|scram']?.count;
      const rttOk = !a || !b || (a.rounded <= b.rounded && (!auto || auto.rounded <= b.rounded));
      return pass(
        r >= 10 && rttOk,
        `${times(r)} wall at 0 added delay (Neon ${fmt(neon.scramWall)} ms vs edgepg ${fmt(ours.scramWall)} ms; CPU ${times(ratio(neon.scramCpu, ours.scramCpu))}); RTT: edgepg ${a ? a.rounded : '—'} (default), ${auto ? auto.rounded : '—'} ('auto' first) vs Neon ${b ? b.rounded : '—'}`,
      );
    },
  },
  {
    goal: 'Pool of 4, 10k in flight over TCP — edgepg Pool vs postgres.js',
    target: '≥ 1.0×',
    scenario: 'pool',
    judge: (m) => {
      const ours = m['edgepg Pool']?.qps;
      const theirs = m['postgres.js max:4']?.qps;
      if (!Number.isFinite(ours)) return skip('edgepg Pool not available yet');
      const r = ratio(ours, theirs);
      if (r === undefined) return skip('postgres.js not measured');
      return pass(r >= 1.0, `${times(r)} (edgepg ${fmt(ours)} q/s vs postgres.js ${fmt(theirs)} q/s)`);
    },
  },
  {
    goal: "Pool of 4, 10k in flight, postgres-benchmarks' four queries (mix) over TCP — edgepg Pool vs postgres.js",
    target: '≥ 1.0×',
    scenario: 'pool-mix',
    judge: (m) => {
      const ours = m['edgepg Pool'];
      const theirs = m['postgres.js max:4'];
      if (!ours) return skip('edgepg Pool not measured');
      if (!theirs) return skip('postgres.js not measured');
      const r = ratio(ours.mix, theirs.mix);
      const kinds = ['select', 'select_arg', 'select_args', 'select_where']
        .map((k) => `${k} ${times(ratio(ours[k], theirs[k]))}`)
        .join(', ');
      const others = [
        ['pg Pool', m['pg Pool max:4']],
        ['edgepg Pool (ws)', m['edgepg Pool (ws)']],
        ['Neon Pool (ws)', m['Neon Pool max:4 (ws)']],
      ]
        .filter(([, v]) => v)
        .map(([name, v]) => `${name} ${fmt(v.mix)}`)
        .join(', ');
      // Context only, not judged: the same with the opt-in automatic prepared statements.
      const cached = m['edgepg Pool (statementCache: 100)'];
      const optIn = cached
        ? `; opt-in statementCache: 100 ${times(ratio(cached.mix, theirs.mix))} (${fmt(cached.mix)} q/s; ${['select', 'select_arg', 'select_args', 'select_where'].map((k) => `${k} ${times(ratio(cached[k], theirs[k]))}`).join(', ')})`
        : '';
      return pass(
        r >= 1.0,
        `${times(r)} (edgepg ${fmt(ours.mix)} q/s vs postgres.js ${fmt(theirs.mix)}; per query: ${kinds}; also ${others} q/s${optIn})`,
      );
    },
  },
  {
    goal: 'Parse a ~9 MB neon() HTTP result, arrays mode — edgepg vs Neon rows/s',
    target: '≥ 1.2×',
    scenario: 'http-parse',
    judge: (m) => {
      const ours = m['edgepg neon()|arrays']?.rowsPerS;
      const theirs = m['Neon neon()|arrays']?.rowsPerS;
      const r = ratio(ours, theirs);
      if (r === undefined) return skip('edgepg or Neon not measured');
      const objects = ratio(m['edgepg neon()|objects']?.rowsPerS, m['Neon neon()|objects']?.rowsPerS);
      return pass(
        r >= 1.2,
        `${times(r)} (edgepg ${fmt(ours)} rows/s vs Neon ${fmt(theirs)}; objects mode ${times(objects)})`,
      );
    },
  },
  {
    goal: 'Warm `SELECT` over HTTP in Node, same local server — edgepg neon() client CPU per query vs Neon neon()',
    target: '≤ Neon',
    scenario: 'http-oneshot',
    judge: (m) => {
      const ours = m['edgepg neon()|overhead'];
      const theirs = m['Neon neon()|overhead'];
      if (!ours || !theirs) return skip('edgepg or Neon not measured');
      return pass(
        ours.cpuP50 <= theirs.cpuP50,
        `${fmt(ours.cpuP50 * 1000)} µs vs ${fmt(theirs.cpuP50 * 1000)} µs CPU (wall p50 ${fmt(ours.wallP50)} vs ${fmt(theirs.wallP50)} ms)`,
      );
    },
  },
  {
    goal: 'Bundle: edgepg/http, min + gzip',
    target: '≤ 8 KB',
    scenario: 'bundle-size',
    judge: (m) =>
      m['edgepg-http']
        ? pass(
            m['edgepg-http'].gzip <= 8 * KB,
            `${fmt(m['edgepg-http'].gzip / KB)} KB (${fmt(m['edgepg-http'].gzip)} B)`,
          )
        : skip('no HTTP entry'),
  },
  {
    goal: 'Bundle: edgepg full (Client + core), min + gzip',
    target: '≤ 30 KB',
    scenario: 'bundle-size',
    judge: (m) =>
      m['edgepg-full']
        ? pass(
            m['edgepg-full'].gzip <= 30 * KB,
            `${fmt(m['edgepg-full'].gzip / KB)} KB (${fmt(m['edgepg-full'].gzip)} B)`,
          )
        : skip('dist/index.js missing'),
  },
  {
    goal: 'Cold import of edgepg in a fresh Node process (p50, loader floor not subtracted)',
    target: '≤ 10 ms',
    scenario: 'import-time',
    judge: (m) => {
      if (!m.edgepg) return skip('edgepg not measured');
      return pass(
        m.edgepg.p50 <= 10,
        `${fmt(m.edgepg.p50)} ms, CPU ${fmt(m.edgepg.cpuP50)} ms (empty module: ${fmt(m.empty?.p50)} ms; edgepg/http ${fmt(m['edgepg-http']?.p50)}, pg ${fmt(m.pg?.p50)}, postgres.js ${fmt(m.postgres?.p50)}, Neon ${fmt(m['@neondatabase/serverless']?.p50)})`,
      );
    },
  },
];

/** Judges every goal. `results` maps scenario id to its result (or is missing it). */
export function judgeGoals(results, ctx) {
  return GOALS.map((g) => {
    const result = results[g.scenario];
    let verdict;
    if (!result) verdict = { status: 'NOT RUN', measured: `scenario \`${g.scenario}\` not run` };
    else if (result.error) verdict = { status: 'ERROR', measured: `scenario \`${g.scenario}\` failed` };
    else {
      try {
        verdict = g.judge(result.metrics ?? {}, { ...ctx, results });
      } catch (error) {
        verdict = { status: 'ERROR', measured: error.message };
      }
    }
    return { goal: g.goal, target: g.target, ...verdict };
  });
}

export { count, fmt, pass, ratio, skip };
