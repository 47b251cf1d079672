import { defineConfig } from 'tsup';

/**
 * One build for every entry, ESM + CJS with `.d.ts`/`.d.cts` types. `keepNames` so class names
 * survive minification in users' bundles (ORMs duck-type on `constructor.name`).
 * Runtime dependencies stay external: `pg-types` in particular must be the same module instance
 * the app (and pg code) sees.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // Node only: never reached from the edge entries.
    server: 'src/server/index.ts',
    // Its own module so it runs before pg-types (which needs Buffer at load) in every bundle.
    'core/buffer': 'src/core/buffer.ts',
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
});
