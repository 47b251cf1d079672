/**
 * The "flat memory" criterion of the load test on made-up samples: it must pass a heap that
 * breathes with the load and fail one that grows with the work done.
 */
import { describe, expect, it } from 'vitest';
import { judgeFlatness } from './memory.js';

const MiB = 1024 * 1024;
const criterion = { warmUpSeconds: 10, marginBytes: 4 * MiB, marginRatio: 0.1 };

function series(seconds: number, bytesAt: (second: number) => number) {
  return Array.from({ length: seconds }, (_, at) => ({ at, bytes: bytesAt(at) }));
}

describe('judgeFlatness', () => {
  it('passes a heap that only breathes, whatever the warm-up did', () => {
    const result = judgeFlatness(
      series(60, (at) => (at < 10 ? 40 * MiB : 12 * MiB + (at % 3) * MiB)),
      criterion,
    );
    expect(result).toMatchObject({ flat: true, samples: 50 });
    expect(result.first).toBeLessThan(14 * MiB);
  });

  it('fails a heap that grows by 200 KiB a second (a leak of a few hundred bytes per request)', () => {
    const result = judgeFlatness(
      series(60, (at) => 12 * MiB + at * 200 * 1024),
      criterion,
    );
    expect(result.flat).toBe(false);
    expect(result.last - result.first).toBeGreaterThan(6 * MiB);
  });

  it('refuses to judge fewer than 3 samples after the warm-up', () => {
    expect(() =>
      judgeFlatness(
        series(12, () => MiB),
        criterion,
      ),
    ).toThrow(/at least 3 memory samples/);
  });
});
