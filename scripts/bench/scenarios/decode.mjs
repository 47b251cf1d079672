/**
 * (d) Decode 100k rows × 10 mixed columns (int4, int8, text, float8, bool, timestamptz,
 * numeric, jsonb, uuid, int4[]) with `select *`, in objects mode and arrays mode (pg/edgepg
 * `rowMode: 'array'`, postgres.js `.values()`): rows/s, client CPU, retained heap.
 *
 * Fresh process per driver and mode, run with --expose-gc so retained heap is measured after a
 * full GC with the result still referenced.
 */
import { loadModules, openSession, timed } from '../lib/connectors.mjs';
import { DECODE_TABLE } from '../lib/env.mjs';
import { ensure } from '../lib/latency.mjs';
import { fmt, median, summarize } from '../lib/stats.mjs';

const MODULE = 'scenarios/decode.mjs';

/**
 * Worker: for each mode in `modes` ('objects' | 'arrays'), `warmup` untimed queries then `runs`
 * timed ones. Each result is kept referenced until its retained heap has been read.
 */
export async function decodeRuns({ paths, kind, role, target, modes, warmup, runs, expectedRows }) {
  if (typeof globalThis.gc !== 'function') throw new Error('decode worker needs --expose-gc');
  await loadModules(paths);
  const session = await openSession(kind, target, role);
  const out = {};
  try {
    for (const mode of modes) {
      const arrays = mode === 'arrays';
      const slot = { ms: [], cpuMs: [], retainedMiB: [] };
      out[mode] = slot;
      for (let r = -warmup; r < runs; r++) {
        globalThis.gc();
        let sample = await timed(() => session.selectAll(DECODE_TABLE, arrays));
        let rows = session.rowsOf(sample.value);
        if (rows.length !== expectedRows) throw new Error(`${kind}: ${rows.length} rows`);
        if (!(arrays ? Array.isArray(rows[rows.length - 1]) : typeof rows[rows.length - 1] === 'object')) {
          throw new Error(`${kind}: unexpected row shape`);
        }
        globalThis.gc();
        const held = process.memoryUsage().heapUsed;
        const { ms, cpuMs } = sample;
        // Drivers keep their last result referenced until the next query: run a tiny one, so the
        // baseline is the heap without this result.
        sample = undefined;
        rows = undefined;
        await session.selectInt(1);
        globalThis.gc();
        const baseline = process.memoryUsage().heapUsed;
        if (r < 0) continue;
        slot.ms.push(ms);
        slot.cpuMs.push(cpuMs);
        slot.retainedMiB.push((held - baseline) / 2 ** 20);
      }
    }
  } finally {
    await session.end();
  }
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  return out;
}

const DRIVERS = [
  { label: 'edgepg', kind: 'edgepg', need: 'edgepg' },
  { label: 'pg', kind: 'pg', need: 'pg' },
  { label: 'postgres.js', kind: 'postgres', need: 'postgres' },
];

export const scenario = {
  id: 'decode',
  title: '(d) Decode 100k rows × 10 mixed columns',
  method:
    '`select * from bench_rows` (100,000 rows: int4, int8, text, float8, bool, timestamptz, numeric(14,4), jsonb, uuid, int4[]; prepared once at start-up) on one connection direct to PostgreSQL; timed until the whole result is decoded. ' +
    'Objects mode is each driver\'s default; arrays mode is `rowMode: "array"` (pg, edgepg) or `.values()` (postgres.js). Each driver uses its own default type parsing. ' +
    'Fresh process per driver × mode with `--expose-gc` (with `--quick`: one process per driver, objects then arrays, a single timed run each); retained heap = heapUsed after a full GC with the rows still referenced, minus heapUsed after they are dropped (and a small query run, as drivers keep their last result referenced) and another full GC.',

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const target = { host: ctx.env.pg.host, port: ctx.env.pg.port };
    const passes = ctx.quick ? 1 : 2;
    const skipped = [];
    const drivers = DRIVERS.filter((d) => {
      if (available[d.need]) return true;
      skipped.push(`${d.label}: ${reasons[d.need]}`);
      return false;
    });
    // Full runs: a fresh process per driver × mode. Quick runs: both modes in one process per
    // driver, objects first (so arrays mode runs with a warmer JIT; see the method note).
    const plans = ctx.quick ? [['objects', 'arrays']] : [['objects'], ['arrays']];
    const data = {};
    for (let pass = 0; pass < passes; pass++) {
      for (const modes of plans) {
        for (const d of drivers) {
          ctx.log(`  ${d.label} ${modes.join(' + ')} (pass ${pass + 1}/${passes})…`);
          const out = await ctx.worker(
            MODULE,
            'decodeRuns',
            {
              paths: ctx.paths,
              kind: d.kind,
              role: ctx.roles.password,
              target,
              modes,
              warmup: ctx.quick ? 1 : 2,
              runs: ctx.quick ? 1 : 5,
              expectedRows: ctx.env.decodeRows,
            },
            { nodeArgs: ['--expose-gc'] },
          );
          for (const mode of modes) {
            const slot = ensure(data, `${d.label}|${mode}`, () => ({
              ms: [],
              cpuMs: [],
              retainedMiB: [],
              maxRssMiB: [],
            }));
            slot.ms.push(...out[mode].ms);
            slot.cpuMs.push(...out[mode].cpuMs);
            slot.retainedMiB.push(...out[mode].retainedMiB);
            slot.maxRssMiB.push(out.maxRssMiB);
          }
        }
      }
    }
    const rows = [];
    const metrics = {};
    const groups = { objects: [], arrays: [] };
    for (const [key, d] of Object.entries(data)) {
      const [label, mode] = key.split('|');
      const wall = summarize(d.ms);
      const rowsPerS = ctx.env.decodeRows / (wall.p50 / 1000);
      metrics[key] = { rowsPerS, cpuMs: median(d.cpuMs), retainedMiB: median(d.retainedMiB) };
      rows.push([
        label,
        mode,
        String(wall.n),
        fmt(wall.p50),
        `${fmt(wall.min)}–${fmt(wall.max)}`,
        fmt(rowsPerS),
        fmt(median(d.cpuMs)),
        fmt(median(d.retainedMiB)),
        fmt(Math.max(...d.maxRssMiB)),
      ]);
      groups[mode].push({ label, value: rowsPerS });
    }
    return {
      tables: [
        {
          title: `${ctx.env.decodeRows.toLocaleString('en-US')} rows × 10 columns`,
          columns: [
            'Driver',
            'Mode',
            'runs',
            'wall p50 ms',
            'wall range ms',
            'rows/s (p50)',
            'client CPU p50 ms',
            'retained heap p50 MiB',
            'max RSS MiB',
          ],
          rows,
        },
      ],
      chart: {
        title: 'Decode 100k rows × 10 mixed columns (rows/s, p50)',
        unit: 'rows/s',
        groups: [
          { label: 'objects', bars: groups.objects },
          { label: 'arrays', bars: groups.arrays },
        ],
      },
      metrics,
      skipped,
    };
  },
};
