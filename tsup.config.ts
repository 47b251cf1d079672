import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';
import { pgLibCjsExports, pgLibEntries } from './scripts/pg-lib-build.js';

/**
 * Source modules that stay separate files, imported through package.json "imports" so that
 * conditions and load order can be controlled per runtime:
 * - `#buffer-polyfill`: pg-types reads `Buffer` while it loads, so the polyfill must run before
 *   pg-types in every bundle. Code splitting reorders imports between chunks, but external
 *   imports keep their source order, so it is imported right above pg-types.
 * - `#tcp`: the TCP transport (`node:net`/`node:tls`) for the `node` condition, a stub that
 *   says "use a WebSocket" everywhere else, so browser and edge bundlers never see Node modules.
 */
const internalModules: Record<string, string> = {
  [resolve('src/core/buffer')]: '#buffer-polyfill',
  [resolve('src/transport/tcp')]: '#tcp',
};

const internalModulesExternal: Plugin = {
  name: 'internal-modules-external',
  setup(build) {
    build.onResolve({ filter: /\.js$/ }, (args) => {
      if (!args.importer) return undefined;
      const specifier = internalModules[resolve(args.resolveDir, args.path).replace(/\.js$/, '')];
      return specifier ? { path: specifier, external: true } : undefined;
    });
  },
};

/**
 * One build for every entry, ESM + CJS with `.d.ts`/`.d.cts` types. `keepNames` so class names
 * survive minification in users' bundles (ORMs duck-type on `constructor.name`).
 * Runtime dependencies stay external: `pg-types` in particular must be the same module instance
 * the app (and pg code) sees.
 */
const entry = {
  index: 'src/index.ts',
  // HTTP only: no wire engine, WebSocket or Pool, so edge bundles stay small.
  http: 'src/http/index.ts',
  // Node only: never reached from the edge entries.
  server: 'src/server/index.ts',
  // The `edgepg` command (Node only).
  cli: 'src/cli/bin.ts',
  'buffer-polyfill': 'src/core/buffer.ts',
  'transport-tcp': 'src/transport/tcp.ts',
  'transport-tcp-unavailable': 'src/transport/tcp-unavailable.ts',
  // node-postgres's module shape alone, for bundler aliases.
  pg: 'src/pg/index.ts',
};

export default defineConfig({
  // Plus the `pg/lib/*` deep paths pg's add-ons import; their types are the hand-written types/lib/*.
  entry: { ...entry, ...pgLibEntries },
  format: ['esm', 'cjs'],
  dts: { entry },
  plugins: [pgLibCjsExports],
  // Neon's `_bundleExt` (src/pg/bundle-ext.ts): which build a copy is.
  esbuildOptions(options, { format }) {
    options.define = { ...options.define, __EDGEPG_BUNDLE_EXT__: format === 'cjs' ? '"js"' : '"mjs"' };
  },
  clean: true,
  sourcemap: true,
  keepNames: true,
  splitting: true,
  treeshake: false,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  esbuildPlugins: [internalModulesExternal],
});
