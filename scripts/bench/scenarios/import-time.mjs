/**
 * (e) Cold import time: `await import(<driver>)` timed inside a fresh `node` process (ESM), the
 * median of N processes per driver, the drivers interleaved round by round. An empty module is
 * the baseline of the ESM loader itself. One untimed round first warms the disk cache.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from '../lib/children.mjs';
import { fmt, summarize } from '../lib/stats.mjs';

function timeImport(specifier) {
  // Wall time is the measure; the process's own CPU time beside it is less disturbed by other
  // work on the machine.
  const code = `const t = performance.now(); const c = process.cpuUsage(); await import(${JSON.stringify(specifier)}); const d = process.cpuUsage(c); process.stdout.write(JSON.stringify([performance.now() - t, (d.user + d.system) / 1000]));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: BENCH_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err.trim().split('\n')[0])),
    );
  });
}

export const scenario = {
  id: 'import-time',
  title: '(e) Cold import time',
  method:
    "In a fresh `node --input-type=module` process: `performance.now()` around `await import(<module>)`, the median over N processes per module, modules interleaved round by round after one untimed warm-up round. The empty module is the ESM loader's own floor; it is not subtracted. CPU p50 is the process's own user+system time over the same span (`process.cpuUsage()`), as context.",

  async run(ctx) {
    const { available, reasons } = ctx.drivers;
    const skipped = [];
    const targets = [
      {
        label: 'empty module (baseline)',
        key: 'empty',
        specifier: pathToFileURL(join(BENCH_DIR, 'lib', 'empty.mjs')).href,
      },
    ];
    if (available.edgepg) targets.push({ label: 'edgepg', key: 'edgepg', specifier: ctx.paths.edgepg });
    else skipped.push(`edgepg: ${reasons.edgepg}`);
    const builtHttp = join(ctx.paths.dist, 'http.js');
    if (existsSync(builtHttp))
      targets.push({ label: 'edgepg/http', key: 'edgepg-http', specifier: pathToFileURL(builtHttp).href });
    else skipped.push('edgepg/http: no built HTTP entry (dist/http.js) yet');
    for (const [key, label] of [
      ['@neondatabase/serverless', '@neondatabase/serverless'],
      ['postgres', 'postgres.js'],
      ['pg', 'pg'],
    ]) {
      if (available[key]) targets.push({ label, key, specifier: key });
      else skipped.push(`${label}: ${reasons[key]}`);
    }
    const rounds = ctx.quick ? 3 : 15;
    const times = Object.fromEntries(targets.map((t) => [t.key, []]));
    const cpu = Object.fromEntries(targets.map((t) => [t.key, []]));
    for (let r = -1; r < rounds; r++) {
      for (const t of targets) {
        const [ms, cpuMs] = await timeImport(t.specifier);
        if (r >= 0) {
          times[t.key].push(ms);
          cpu[t.key].push(cpuMs);
        }
      }
    }
    const rows = [];
    const metrics = {};
    const bars = [];
    for (const t of targets) {
      const s = summarize(times[t.key]);
      const c = summarize(cpu[t.key]);
      metrics[t.key] = { p50: s.p50, cpuP50: c.p50 };
      rows.push([t.label, String(s.n), fmt(s.p50), fmt(s.p90), fmt(s.min), fmt(s.max), fmt(c.p50)]);
      bars.push({ label: t.label, value: s.p50 });
    }
    return {
      tables: [
        {
          title: 'await import(…) in a fresh process (ms)',
          columns: ['Module', 'n', 'p50', 'p90', 'min', 'max', 'CPU p50'],
          rows,
        },
      ],
      chart: {
        title: 'Cold import time in a fresh Node process (ms, p50)',
        unit: 'ms',
        groups: [{ label: 'ESM import', bars }],
      },
      metrics,
      skipped,
    };
  },
};
