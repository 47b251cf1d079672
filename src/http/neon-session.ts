/**
 * The `neon()` of the full `edgepg` entry: the HTTP query function of ./neon.ts plus the session
 * methods `edgepg/http` leaves out (./extensions.ts): `sql.begin` (an interactive transaction over
 * one WebSocket session) and the health checks of ./health.ts. It lives apart so that
 * `edgepg/http` never reaches `Client`, the wire engine or the health checks.
 */
import { begin } from './begin.js';
import { contextOf } from './extensions.js';
import { executeQuery, getServerInfo, verifyConnectivity } from './health.js';
import { neon as httpNeon } from './neon.js';
import type { BeginCallback, BeginOptions } from './session-types.js';
import type { NeonQueryFunction } from './types.js';

export const neon: typeof httpNeon = function neon(first?: unknown, second?: unknown) {
  const sql = (httpNeon as (a?: unknown, b?: unknown) => NeonQueryFunction<boolean, boolean>)(first, second);
  const context = contextOf(sql);
  sql.begin = ((fn: BeginCallback<unknown, boolean, boolean>, opts?: BeginOptions<boolean, boolean>) =>
    begin(context, fn, opts)) as typeof sql.begin;
  sql.verifyConnectivity = (options) => verifyConnectivity(context, options);
  sql.getServerInfo = (options) => getServerInfo(context, options);
  sql.executeQuery = ((text, params, options) =>
    executeQuery(context, text, params, options)) as typeof sql.executeQuery;
  return sql;
} as typeof httpNeon;
