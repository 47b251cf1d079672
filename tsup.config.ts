import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

const bufferPolyfillSource = resolve('src/core/buffer');

/**
 * pg-types reads `Buffer` while it loads, so the Buffer polyfill must run before pg-types in
 * every bundle, on runtimes without a global Buffer. Code splitting reorders imports between
 * chunks, so the polyfill is kept an external module (`#buffer-polyfill`, mapped by package.json
 * "imports") imported right above pg-types: external imports keep their source order.
 */
const bufferPolyfillExternal: Plugin = {
  name: 'buffer-polyfill-external',
  setup(build) {
    build.onResolve({ filter: /buffer\.js$/ }, (args) => {
      if (!args.importer) return undefined;
      const target = resolve(args.resolveDir, args.path).replace(/\.js$/, '');
      return target === bufferPolyfillSource ? { path: '#buffer-polyfill', external: true } : undefined;
    });
  },
};

/**
 * One build for every entry, ESM + CJS with `.d.ts`/`.d.cts` types. `keepNames` so class names
 * survive minification in users' bundles (ORMs duck-type on `constructor.name`).
 * Runtime dependencies stay external: `pg-types` in particular must be the same module instance
 * the app (and pg code) sees.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // HTTP only: no wire engine, WebSocket or Pool, so edge bundles stay small.
    http: 'src/http/index.ts',
    // Node only: never reached from the edge entries.
    server: 'src/server/index.ts',
    'buffer-polyfill': 'src/core/buffer.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  keepNames: true,
  splitting: true,
  treeshake: false,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  esbuildPlugins: [bufferPolyfillExternal],
});
