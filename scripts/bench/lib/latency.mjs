/**
 * Parent-side helpers shared by the latency scenarios: merge worker samples, summarize them per
 * RTT, turn medians into RTT counts and render the usual cells.
 */
import { fmt, rttCount, summarize } from './stats.mjs';

/** `object[key]`, created with `make()` the first time. */
export function ensure(object, key, make) {
  if (!Object.hasOwn(object, key)) object[key] = make();
  return object[key];
}

/** Samples slot of a `{ key: { rtt: { ms, cpuMs } } }` series. */
export function slotOf(series, key, rtt) {
  return ensure(
    ensure(series, key, () => ({})),
    rtt,
    () => ({ ms: [], cpuMs: [] }),
  );
}

/** Appends `from` ({ key: { rtt: { ms: [], cpuMs: [] } } }) into `into`, in place. */
export function mergeSeries(into, from) {
  for (const [key, byRtt] of Object.entries(from)) {
    for (const [rtt, samples] of Object.entries(byRtt)) {
      const slot = slotOf(into, key, rtt);
      slot.ms.push(...samples.ms);
      slot.cpuMs.push(...(samples.cpuMs ?? []));
    }
  }
  return into;
}

/**
 * `{ rtt: { stats, cpu, count } }` for one series: latency stats per RTT, client CPU stats, and
 * the RTT count against the 0-delay median.
 */
export function analyze(byRtt, ctx) {
  const out = {};
  const zero = byRtt?.[0]?.ms.length ? summarize(byRtt[0].ms) : undefined;
  for (const rtt of ctx.rtts) {
    const samples = byRtt?.[rtt];
    if (!samples || samples.ms.length === 0) continue;
    const stats = summarize(samples.ms);
    let count;
    if (rtt > 0 && zero) {
      count = rttCount(stats.p50, zero.p50, ctx.effectiveRtt[rtt]);
      // A count is only as good as its two medians: flag it when the middle half of either
      // sample set (p75 − p25) is wider than half an RTT, i.e. the median itself is not stable.
      if (count) {
        count.noisy = Math.max(stats.p75 - stats.p25, zero.p75 - zero.p25) > ctx.effectiveRtt[rtt] / 2;
      }
    }
    out[rtt] = { stats, cpu: samples.cpuMs.length ? summarize(samples.cpuMs) : undefined, count };
  }
  return out;
}

/** "12.3 (13.1 / 14.0)": p50 (p90 / p99) in ms. */
export function latencyCell(entry) {
  if (!entry) return '—';
  const { p50, p90, p99 } = entry.stats;
  return `${fmt(p50)} (${fmt(p90)} / ${fmt(p99)})`;
}

/** "4 (4.12)": rounded RTT count and the exact quotient. */
export function countCell(entry) {
  if (!entry?.count) return '—';
  const flag = entry.count.noisy ? ' ⚠' : '';
  return `**${entry.count.rounded}** (${entry.count.exact.toFixed(2)})${flag}`;
}

/** The largest RTT of the run that is above 0, the one RTT counts are judged at. */
export function judgeRtt(ctx) {
  const positive = ctx.rtts.filter((r) => r > 0);
  return positive.length ? Math.max(...positive) : undefined;
}

/** Column headers for per-RTT latency + count columns. */
export function latencyColumns(ctx) {
  const columns = [];
  for (const rtt of ctx.rtts) columns.push(`${rtt} ms RTT: p50 (p90 / p99) ms`);
  for (const rtt of ctx.rtts) if (rtt > 0) columns.push(`RTTs @${rtt}`);
  return columns;
}

export function latencyCells(analysis, ctx) {
  const cells = [];
  for (const rtt of ctx.rtts) cells.push(latencyCell(analysis[rtt]));
  for (const rtt of ctx.rtts) if (rtt > 0) cells.push(countCell(analysis[rtt]));
  return cells;
}

export function sampleCount(analysis) {
  const counts = Object.values(analysis).map((a) => a.stats.n);
  if (counts.length === 0) return '0';
  const lo = Math.min(...counts);
  const hi = Math.max(...counts);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}
