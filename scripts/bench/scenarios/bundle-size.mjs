/**
 * (e) Bundle size: esbuild (`--bundle --minify --format=esm`) then gzip -9 and brotli q11, as in
 * performance.md §3. Edge entries use platform `browser` with conditions workerd/worker/browser;
 * pg and postgres.js are bundled for `node` (they do not build for browsers), as the anchors were.
 * Each entry re-exports everything its module exports, so nothing is tree-shaken away.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { BENCH_DIR } from '../lib/children.mjs';
import { REPO_DIR } from '../lib/drivers.mjs';
import { fmt } from '../lib/stats.mjs';

const EDGE = { platform: 'browser', conditions: ['workerd', 'worker', 'browser'] };

function entries(ctx) {
  const dist = ctx.paths.dist;
  const list = [];
  const full = join(dist, 'index.js');
  list.push({
    label: 'edgepg (full: dist/index.js)',
    key: 'edgepg-full',
    file: existsSync(full) ? full : undefined,
    why: 'dist/index.js is missing (run npm run build)',
    ...EDGE,
  });
  const builtHttp = join(dist, 'http.js');
  const srcHttp = join(REPO_DIR, 'src', 'http', 'index.ts');
  list.push({
    label: existsSync(builtHttp) ? 'edgepg/http (dist/http.js)' : 'edgepg/http (src/http/index.ts)',
    key: 'edgepg-http',
    file: existsSync(builtHttp) ? builtHttp : existsSync(srcHttp) ? srcHttp : undefined,
    why: 'no HTTP entry yet (neither dist/http.js nor src/http/index.ts)',
    ...EDGE,
  });
  list.push({ label: '@neondatabase/serverless', key: 'neon', module: '@neondatabase/serverless', ...EDGE });
  list.push({ label: 'postgres.js (node build)', key: 'postgres', module: 'postgres', platform: 'node' });
  list.push({ label: 'pg (node build)', key: 'pg', module: 'pg', platform: 'node' });
  return list;
}

export async function measureBundle(esbuild, entry) {
  const specifier = entry.file ?? entry.module;
  const result = await esbuild.build({
    stdin: { contents: `export * from ${JSON.stringify(specifier)};`, resolveDir: BENCH_DIR, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: entry.platform,
    conditions: entry.conditions,
    target: 'es2022',
    // Nothing is external: a browser bundle ships everything it reaches, the `buffer` polyfill
    // included (on platform `browser`, a Node built-in would fail to resolve, not be left out).
    external: [],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return {
    min: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

export const scenario = {
  id: 'bundle-size',
  title: '(e) Bundle size',
  method:
    'esbuild `--bundle --minify --format=esm --target=es2022` of an entry `export * from "<module>"`, then gzip level 9 and brotli quality 11 of the output. ' +
    'edgepg and Neon: platform `browser`, conditions `workerd,worker,browser`, nothing external (the `buffer` polyfill counts where an entry imports it; Neon bundles its own). pg and postgres.js: platform `node`. KB = 1,000 bytes.',

  async run(ctx) {
    const skipped = [];
    if (!ctx.drivers.available.esbuild)
      return { tables: [], metrics: {}, skipped: [`esbuild: ${ctx.drivers.reasons.esbuild}`] };
    const esbuild = await import('esbuild');
    const rows = [];
    const metrics = {};
    const bars = [];
    for (const entry of entries(ctx)) {
      if (!entry.file && !entry.module) {
        skipped.push(`${entry.label}: ${entry.why}`);
        continue;
      }
      try {
        const size = await measureBundle(esbuild, entry);
        metrics[entry.key] = size;
        rows.push([entry.label, entry.platform, fmt(size.min), fmt(size.gzip), fmt(size.brotli)]);
        bars.push({ label: entry.label.replace(/ \(.*\)$/, ''), value: size.gzip / 1000 });
      } catch (error) {
        skipped.push(`${entry.label}: esbuild failed: ${error.message.split('\n')[0]}`);
      }
    }
    return {
      tables: [
        {
          title: 'Minified bundle sizes (bytes)',
          columns: ['Entry', 'platform', 'min', 'gzip -9', 'brotli q11'],
          rows,
        },
      ],
      chart: { title: 'Bundle size, minified + gzip -9 (KB)', unit: 'KB', groups: [{ label: 'gzip', bars }] },
      metrics,
      skipped,
    };
  },
};
