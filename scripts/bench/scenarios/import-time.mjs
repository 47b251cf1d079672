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
  const code = `const t = performance.now(); await import(${JSON.stringify(specifier)}); process.stdout.write(String(performance.now() - t));`;
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
      code === 0 ? resolve(Number(out)) : reject(new Error(err.trim().split('\n')[0])),
    );
  });
}

export const scenario = {
  id: 'import-time',
  title: '(e) Cold import time',
  method:
    "In a fresh `node --input-type=module` process: `performance.now()` around `await import(<module>)`, the median over N processes per module, modules interleaved round by round after one untimed warm-up round. The empty module is the ESM loader's own floor; it is not subtracted.",

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
    for (let r = -1; r < rounds; r++) {
      for (const t of targets) {
        const ms = await timeImport(t.specifier);
        if (r >= 0) times[t.key].push(ms);
      }
    }
    const rows = [];
    const metrics = {};
    const bars = [];
    for (const t of targets) {
      const s = summarize(times[t.key]);
      metrics[t.key] = { p50: s.p50 };
      rows.push([t.label, String(s.n), fmt(s.p50), fmt(s.p90), fmt(s.min), fmt(s.max)]);
      bars.push({ label: t.label, value: s.p50 });
    }
    return {
      tables: [
        {
          title: 'await import(…) in a fresh process (ms)',
          columns: ['Module', 'n', 'p50', 'p90', 'min', 'max'],
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
