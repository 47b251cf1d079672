/**
 * Which drivers this run can measure, and where they load from. The parent resolves everything
 * once and passes plain paths to workers, so a worker never guesses.
 *
 * edgepg loads from the built package (`dist/`, or `EDGEPG_DIST` when set), never from `src/`,
 * except the HTTP entry: until the package builds one, the harness bundles `src/http/index.ts`
 * with esbuild and says so in the results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BENCH_DIR } from './children.mjs';

export const REPO_DIR = resolve(BENCH_DIR, '..', '..');
const CACHE_DIR = join(REPO_DIR, 'node_modules', '.cache', 'edgepg-bench');

export function distDir() {
  const custom = process.env.EDGEPG_DIST;
  if (!custom) return join(REPO_DIR, 'dist');
  return isAbsolute(custom) ? custom : resolve(REPO_DIR, custom);
}

export function packageVersion(name) {
  try {
    // Read the file directly: some packages (postgres, Neon) do not export ./package.json.
    const file =
      name === 'edgepg'
        ? join(REPO_DIR, 'package.json')
        : join(REPO_DIR, 'node_modules', name, 'package.json');
    return JSON.parse(readFileSync(file, 'utf8')).version;
  } catch {
    return undefined;
  }
}

const url = (file) => pathToFileURL(file).href;

async function tryImport(file) {
  if (!existsSync(file)) return { error: `${file} does not exist (run npm run build)` };
  try {
    return { module: await import(url(file)) };
  } catch (error) {
    return { error: `${file} failed to load: ${error.message.split('\n')[0]}` };
  }
}

/** Bundles the HTTP entry from source for Node (dependencies stay external). */
async function bundleHttpSource() {
  const entry = join(REPO_DIR, 'src', 'http', 'index.ts');
  if (!existsSync(entry)) return { error: 'src/http/index.ts does not exist' };
  // Under node_modules/.cache: ignored by git and Biome, and the bundle's external imports
  // still resolve from the repository's node_modules.
  const out = join(CACHE_DIR, 'edgepg-http-from-src.mjs');
  await mkdir(CACHE_DIR, { recursive: true });
  try {
    const esbuild = await import('esbuild');
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: out,
      logLevel: 'silent',
    });
  } catch (error) {
    return { error: `bundling src/http/index.ts failed: ${error.message.split('\n')[0]}` };
  }
  return { file: out };
}

/**
 * Resolves every driver. Returns `{ paths, available, reasons, versions, notes }`: `available.X`
 * is true or false and `reasons.X` says why not.
 */
export async function resolveDrivers() {
  const dist = distDir();
  const available = {};
  const reasons = {};
  const notes = [];
  const paths = { dist, edgepg: url(join(dist, 'index.js')), edgepgServer: url(join(dist, 'server.js')) };

  const index = await tryImport(join(dist, 'index.js'));
  available.edgepg = typeof index.module?.Client === 'function';
  if (!available.edgepg) reasons.edgepg = index.error ?? 'dist/index.js exports no Client';
  available.edgepgPool = typeof index.module?.Pool === 'function';
  if (!available.edgepgPool) reasons.edgepgPool = index.error ?? 'dist/index.js exports no Pool yet';

  const server = await tryImport(join(dist, 'server.js'));
  available.embeddedPostgres = typeof server.module?.startEmbeddedPostgres === 'function';
  if (!available.embeddedPostgres) reasons.embeddedPostgres = server.error ?? 'no startEmbeddedPostgres';
  available.localServer = typeof server.module?.startServer === 'function';
  if (!available.localServer) {
    reasons.localServer = server.error ?? 'dist/server.js exports no startServer yet';
  }

  // The HTTP entry: a built one if the package has it, else the source bundled here.
  const builtHttp = join(dist, 'http.js');
  if (existsSync(builtHttp)) {
    const http = await tryImport(builtHttp);
    available.edgepgHttp = typeof http.module?.neon === 'function';
    paths.edgepgHttp = url(builtHttp);
    if (!available.edgepgHttp) reasons.edgepgHttp = http.error ?? 'dist/http.js exports no neon';
  } else if (typeof index.module?.neon === 'function') {
    available.edgepgHttp = true;
    paths.edgepgHttp = paths.edgepg;
  } else {
    const bundled = await bundleHttpSource();
    const http = bundled.file ? await tryImport(bundled.file) : bundled;
    available.edgepgHttp = typeof http.module?.neon === 'function';
    if (available.edgepgHttp) {
      paths.edgepgHttp = url(bundled.file);
      notes.push(
        'edgepg `neon()` is not in the built package yet: the harness bundles `src/http/index.ts` with esbuild to measure it.',
      );
    } else {
      reasons.edgepgHttp = http.error ?? 'src/http exports no neon';
    }
  }

  for (const name of ['pg', 'postgres', '@neondatabase/serverless', 'ws', 'esbuild']) {
    try {
      await import(name);
      available[name] = true;
    } catch (error) {
      available[name] = false;
      reasons[name] = `${name} is not installed: ${error.message.split('\n')[0]}`;
    }
  }

  const versions = {
    edgepg: `${packageVersion('edgepg')} (${dist.startsWith(REPO_DIR) ? dist.slice(REPO_DIR.length + 1) : dist})`,
    pg: packageVersion('pg'),
    postgres: packageVersion('postgres'),
    '@neondatabase/serverless': packageVersion('@neondatabase/serverless'),
    ws: packageVersion('ws'),
    esbuild: packageVersion('esbuild'),
  };
  return { paths, available, reasons, versions, notes };
}

/**
 * The two `neon()` drivers the HTTP scenarios compare, against edgepg's local server: returns
 * `{ drivers: [{ label, which }], skipped }`, or `drivers: []` when there is no local server.
 */
export function neonHttpDrivers({ available, reasons }) {
  if (!available.localServer) return { drivers: [], skipped: [`all: ${reasons.localServer}`] };
  const drivers = [];
  const skipped = [];
  if (available.edgepgHttp) drivers.push({ label: 'edgepg neon()', which: 'edgepg' });
  else skipped.push(`edgepg neon(): ${reasons.edgepgHttp}`);
  if (available['@neondatabase/serverless']) drivers.push({ label: 'Neon neon()', which: 'neon' });
  else skipped.push(`Neon neon(): ${reasons['@neondatabase/serverless']}`);
  return { drivers, skipped };
}
