/**
 * (f) Client-side parse of a ~9 MB `neon()` HTTP result (just under Neon's 10 MB response cap):
 * edgepg's `neon()` vs Neon's, arrays mode and objects mode.
 *
 * The body is real: `select * from bench_rows limit N` as edgepg's local server answers it
 * (Neon's JSON format, raw text values), fetched once by the parent. Each worker hands that same
 * text to the driver through `neonConfig.fetchFunction` (a fresh `Response` per query), so what
 * is timed is the driver's own work from the response on: reading the body, `JSON.parse`, type
 * parsing and row building. No network, no server in the timing.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timed } from '../lib/connectors.mjs';
import { neonHttpDrivers } from '../lib/drivers.mjs';
import { DECODE_TABLE } from '../lib/env.mjs';
import { ensure } from '../lib/latency.mjs';
import { fmt, median, summarize } from '../lib/stats.mjs';

const MODULE = 'scenarios/http-parse.mjs';
/** ~232 bytes per bench_rows row in Neon's JSON: 38,000 rows ≈ 8.8 MB. */
const ROWS = 38_000;
const QUERY = `select * from ${DECODE_TABLE} limit ${ROWS}`;

/** Worker: `warmup` untimed then `runs` timed queries per mode, each answered from `bodyFile`. */
export async function parseRuns({ paths, which, bodyFile, modes, warmup, runs }) {
  if (typeof globalThis.gc !== 'function') throw new Error('http-parse worker needs --expose-gc');
  const body = readFileSync(bodyFile, 'utf8');
  const module =
    which === 'edgepg' ? await import(paths.edgepgHttp) : await import('@neondatabase/serverless');
  module.neonConfig.fetchFunction = async () =>
    new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
  const out = {};
  for (const mode of modes) {
    const sql = module.neon('postgresql://bench:secret@127.0.0.1:5432/postgres', {
      arrayMode: mode === 'arrays',
      disableWarningInBrowsers: true,
    });
    const slot = { ms: [], cpuMs: [] };
    out[mode] = slot;
    for (let r = -warmup; r < runs; r++) {
      globalThis.gc();
      const sample = await timed(() => sql.query(QUERY, []));
      const rows = sample.value;
      if (rows.length !== ROWS) throw new Error(`${which}: ${rows.length} rows`);
      const last = rows[ROWS - 1];
      if (mode === 'arrays' ? !Array.isArray(last) : typeof last.created_at !== 'object') {
        throw new Error(`${which}: unexpected row shape`);
      }
      if (r < 0) continue;
      slot.ms.push(sample.ms);
      slot.cpuMs.push(sample.cpuMs);
    }
  }
  out.maxRssMiB = process.resourceUsage().maxRSS / 1024;
  return out;
}

/** The body as the local server sends it for QUERY (Neon's headers: raw text, array rows). */
async function fetchBody(ctx) {
  const role = ctx.roles.password;
  const connection = `postgresql://${role.user}:${encodeURIComponent(role.password)}@127.0.0.1:${ctx.env.serverPort}/${role.database}`;
  const response = await fetch(`http://127.0.0.1:${ctx.env.serverPort}/sql`, {
    method: 'POST',
    headers: {
      'Neon-Connection-String': connection,
      'Neon-Raw-Text-Output': 'true',
      'Neon-Array-Mode': 'true',
    },
    body: JSON.stringify({ query: QUERY, params: [] }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`local server: HTTP ${response.status}: ${text.slice(0, 200)}`);
  return text;
}

export const scenario = {
  id: 'http-parse',
  title: '(f) HTTP result parse, ~9 MB (neon())',
  method:
    `\`${QUERY}\` (the decode table's 10 mixed columns) as edgepg's local server answers it over HTTP, fetched once; each driver's \`neon()\` then gets that body from \`neonConfig.fetchFunction\` (a fresh \`Response\` per query), so the timing covers the driver's own work from the response on: body read, \`JSON.parse\`, type parsing, row building. ` +
    'Arrays mode is `arrayMode: true`, objects mode the default. Fresh process per driver × mode with `--expose-gc` (a full GC before each query); with `--quick`, one process per driver, both modes.',

  async run(ctx) {
    const { drivers, skipped } = neonHttpDrivers(ctx.drivers);
    if (!ctx.drivers.available.localServer) return { tables: [], metrics: {}, skipped };

    const body = await fetchBody(ctx);
    const bodyFile = join(tmpdir(), `edgepg-bench-http-parse-${process.pid}.json`);
    writeFileSync(bodyFile, body);
    const data = {};
    try {
      const plans = ctx.quick ? [['arrays', 'objects']] : [['arrays'], ['objects']];
      const passes = ctx.quick ? 1 : 2;
      for (let pass = 0; pass < passes; pass++) {
        for (const modes of plans) {
          for (const d of drivers) {
            ctx.log(`  ${d.label} ${modes.join(' + ')} (pass ${pass + 1}/${passes})…`);
            const out = await ctx.worker(
              MODULE,
              'parseRuns',
              {
                paths: ctx.paths,
                which: d.which,
                bodyFile,
                modes,
                warmup: ctx.quick ? 1 : 2,
                runs: ctx.quick ? 2 : 6,
              },
              { nodeArgs: ['--expose-gc'] },
            );
            for (const mode of modes) {
              const slot = ensure(data, `${d.label}|${mode}`, () => ({ ms: [], cpuMs: [], maxRssMiB: [] }));
              slot.ms.push(...out[mode].ms);
              slot.cpuMs.push(...out[mode].cpuMs);
              slot.maxRssMiB.push(out.maxRssMiB);
            }
          }
        }
      }
    } finally {
      rmSync(bodyFile, { force: true });
    }
    const rows = [];
    const metrics = { bodyBytes: Buffer.byteLength(body) };
    const groups = { arrays: [], objects: [] };
    for (const [key, d] of Object.entries(data)) {
      const [label, mode] = key.split('|');
      const wall = summarize(d.ms);
      const rowsPerS = ROWS / (wall.p50 / 1000);
      metrics[key] = { rowsPerS, cpuMs: median(d.cpuMs) };
      rows.push([
        label,
        mode,
        String(wall.n),
        fmt(wall.p50),
        `${fmt(wall.p90)} / ${fmt(wall.p99)}`,
        fmt(rowsPerS),
        fmt(median(d.cpuMs)),
        fmt(Math.max(...d.maxRssMiB)),
      ]);
      groups[mode].push({ label, value: rowsPerS });
    }
    return {
      tables: [
        {
          title: `${ROWS.toLocaleString('en-US')} rows × 10 columns, ${fmt(metrics.bodyBytes / 1e6)} MB of JSON`,
          columns: [
            'Driver',
            'Mode',
            'runs',
            'wall p50 ms',
            'p90 / p99 ms',
            'rows/s (p50)',
            'client CPU p50 ms',
            'max RSS MiB',
          ],
          rows,
        },
      ],
      chart: {
        title: `Parse a ${fmt(metrics.bodyBytes / 1e6)} MB neon() HTTP result (rows/s, p50)`,
        unit: 'rows/s',
        groups: [
          { label: 'arrays', bars: groups.arrays },
          { label: 'objects', bars: groups.objects },
        ],
      },
      metrics,
      skipped,
    };
  },
};
