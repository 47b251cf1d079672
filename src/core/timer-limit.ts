/**
 * Timers hold at most 2^31 - 1 ms: above that (Infinity included) Node and browsers fire them
 * after about 1 ms, so a "very long" timeout would expire at once. Options that start a timer
 * are checked against this when they are given.
 */
import { ConfigError } from './errors.js';

export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws a ConfigError when `ms` is a number a timer cannot hold; other values are left as pg reads them. */
export function checkTimerMillis(name: string, ms: unknown): void {
  if (typeof ms === 'number' && ms > MAX_TIMER_MS) {
    throw new ConfigError(`${name} must be at most ${MAX_TIMER_MS} ms, got ${ms}`);
  }
}
