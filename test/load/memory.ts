/**
 * "Flat memory" for the load test, decided on live-heap samples (heapUsed right after a full
 * GC, one per second). The first `warmUpSeconds` are left out: pools fill, JIT code and the
 * server's buffers settle. The rest is cut in thirds and the mean of the last third must not
 * exceed the mean of the first third by more than the margin: `marginBytes` for the in-flight
 * work a sample can catch (hundreds of requests and sessions mid-flight) plus `marginRatio` of
 * the baseline. A leak of a few hundred bytes per request grows by megabytes between the two
 * thirds of a 60 s run; a heap that only breathes with the load stays inside the margin.
 */
import type { MemorySample } from './server-child.js';

export interface FlatnessCriterion {
  warmUpSeconds: number;
  marginBytes: number;
  marginRatio: number;
}

export interface Flatness {
  flat: boolean;
  /** Mean live heap of the first and last third after the warm-up, in bytes. */
  first: number;
  last: number;
  limit: number;
  samples: number;
}

export function judgeFlatness(samples: readonly MemorySample[], criterion: FlatnessCriterion): Flatness {
  const steady = samples.filter((s) => s.at >= criterion.warmUpSeconds);
  if (steady.length < 3) {
    throw new Error(`need at least 3 memory samples after the warm-up, got ${steady.length}`);
  }
  const third = Math.floor(steady.length / 3);
  const mean = (part: readonly MemorySample[]) => part.reduce((sum, s) => sum + s.heapUsed, 0) / part.length;
  const first = mean(steady.slice(0, third));
  const last = mean(steady.slice(steady.length - third));
  const limit = first * (1 + criterion.marginRatio) + criterion.marginBytes;
  return { flat: last <= limit, first, last, limit, samples: steady.length };
}
