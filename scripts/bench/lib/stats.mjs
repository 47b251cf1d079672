/**
 * Summary statistics for benchmark samples. Percentiles interpolate linearly between the two
 * nearest ranks, so p50 of an even count is the mean of the middle pair (the usual median).
 */

export function percentile(samples, p) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

export const median = (samples) => percentile(samples, 50);

/** p25 / p50 / p75 / p90 / p99 / min / max and the sample count. */
export function summarize(samples) {
  return {
    n: samples.length,
    p25: percentile(samples, 25),
    p50: percentile(samples, 50),
    p75: percentile(samples, 75),
    p90: percentile(samples, 90),
    p99: percentile(samples, 99),
    min: samples.length ? Math.min(...samples) : Number.NaN,
    max: samples.length ? Math.max(...samples) : Number.NaN,
  };
}

/**
 * Round trips spent at an injected RTT: (t_rtt − t_0) / rtt, from medians, divided by the RTT
 * the delay line actually delivered (calibrated with an echo, see delay-proxy.mjs). `exact` is
 * kept so a 2.5 never hides behind its rounding.
 */
export function rttCount(msAtRtt, msAtZero, effectiveRttMs) {
  if (!(effectiveRttMs > 0) || !Number.isFinite(msAtRtt) || !Number.isFinite(msAtZero)) return undefined;
  const exact = (msAtRtt - msAtZero) / effectiveRttMs;
  return { exact, rounded: Math.round(exact) };
}

/** Formats a number for a table: 3 significant digits for small values, none for large. */
export function fmt(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return '—';
  if (digits !== undefined) return value.toFixed(digits);
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
