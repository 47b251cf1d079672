/**
 * The `neon()` of the full `edgepg` entry: the HTTP query function of ./neon.ts plus a working
 * `sql.begin` (an interactive transaction over one WebSocket session). It lives apart so that
 * `edgepg/http` never reaches `Client` and the wire engine, not even through a lazy import.
 */
import { begin } from './begin.js';
import { contextOf } from './extensions.js';
import { neon as httpNeon } from './neon.js';
import type { BeginCallback, BeginOptions } from './session-types.js';
import type { NeonQueryFunction } from './types.js';

export const neon: typeof httpNeon = function neon(first?: unknown, second?: unknown) {
  const sql = (httpNeon as (a?: unknown, b?: unknown) => NeonQueryFunction<boolean, boolean>)(first, second);
  const context = contextOf(sql);
  sql.begin = ((fn: BeginCallback<unknown, boolean, boolean>, opts?: BeginOptions<boolean, boolean>) =>
    begin(context, fn, opts)) as typeof sql.begin;
  return sql;
} as typeof httpNeon;
