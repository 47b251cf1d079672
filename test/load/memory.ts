/**
 * "Flat memory" for the load test, decided on live-memory samples: `heapUsed + external` right
 * after a full GC, one per second — the JavaScript heap the server still references plus the
 * Buffers it keeps alive (a retained-Buffer leak shows only in `external`). RSS is reported, not
 * judged: the allocator keeps freed pages, so it steps up under load without any leak. The first `warmUpSeconds` are left out: pools fill, JIT code and the
 * server's buffers settle. The rest is cut in thirds and the mean of the last third must not
 * exceed the mean of the first third by more than the margin: `marginBytes` for the in-flight
 * work a sample can catch (hundreds of requests and sessions mid-flight) plus `marginRatio` of
 * the baseline. A leak of a few hundred bytes per request grows by megabytes between the two
 * thirds of a 60 s run; a heap that only breathes with the load stays inside the margin.
 */
/** One reading: seconds since the start, bytes. */
export interface Reading {
  at: number;
  bytes: number;
}

export interface FlatnessCriterion {
  warmUpSeconds: number;
  marginBytes: number;
  marginRatio: number;
}

export interface Flatness {
  flat: boolean;
  /** Mean of the first and last third after the warm-up, in bytes. */
  first: number;
  last: number;
  limit: number;
  samples: number;
}

export function judgeFlatness(samples: readonly Reading[], criterion: FlatnessCriterion): Flatness {
  const steady = samples.filter((s) => s.at >= criterion.warmUpSeconds);
  if (steady.length < 3) {
    throw new Error(`need at least 3 memory samples after the warm-up, got ${steady.length}`);
  }
  const third = Math.floor(steady.length / 3);
  const mean = (part: readonly Reading[]) => part.reduce((sum, s) => sum + s.bytes, 0) / part.length;
  const first = mean(steady.slice(0, third));
  const last = mean(steady.slice(steady.length - third));
  const limit = first * (1 + criterion.marginRatio) + criterion.marginBytes;
  return { flat: last <= limit, first, last, limit, samples: steady.length };
}
