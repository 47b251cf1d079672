/**
 * The scenario registry, in run order. A scenario is a module exporting `scenario`:
 *
 *   { id, title, method, async run(ctx) → { tables, chart?, metrics, skipped?, notes? } }
 *
 * plus any worker functions it runs in fresh processes (`ctx.worker(module, export, args)`).
 * A scenario whose driver is missing returns `skipped` reasons and no numbers for it.
 * Goals (../lib/goals.mjs) read `metrics` by scenario id.
 */
import { scenario as bundleSize } from './bundle-size.mjs';
import { scenario as concurrent } from './concurrent.mjs';
import { scenario as connectTcp } from './connect-tcp.mjs';
import { scenario as decode } from './decode.mjs';
import { scenario as httpOneshot } from './http-oneshot.mjs';
import { scenario as httpParse } from './http-parse.mjs';
import { scenario as importTime } from './import-time.mjs';
import { scenario as pool } from './pool.mjs';
import { scenario as poolMix } from './pool-mix.mjs';
import { scenario as scramCpu } from './scram-cpu.mjs';
import { scenario as throughput } from './throughput.mjs';
import { scenario as wsConnect } from './ws-connect.mjs';

export const SCENARIOS = [
  connectTcp,
  concurrent,
  throughput,
  decode,
  scramCpu,
  bundleSize,
  importTime,
  wsConnect,
  httpOneshot,
  pool,
  poolMix,
  httpParse,
];
