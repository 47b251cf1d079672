import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { defineConfig, type Options } from 'tsup';
import { pgLibCjsExports, pgLibEntries } from './scripts/pg-lib-build.js';

/**
 * Source modules that stay separate files, imported through package.json "imports" so that
 * conditions and load order can be controlled per runtime:
 * - `#buffer-polyfill`: pg-protocol's serializer allocates a `Buffer` while it loads, so the
 *   polyfill must run before it in every bundle. Code splitting reorders imports between chunks,
 *   but external imports keep their source order, so it is imported right above pg-protocol.
 * - `#tcp`: the TCP transport (`node:net`/`node:tls`) for the `node` condition, a stub that
 *   says "use a WebSocket" everywhere else, so browser and edge bundlers never see Node modules.
 */
const internalModules: Record<string, string> = {
  [resolve('src/core/buffer')]: '#buffer-polyfill',
  [resolve('src/transport/tcp')]: '#tcp',
};

/**
 * `edgepg/pg` and the `pg/lib/*` deep paths are views of the main entry: they import it (as
 * `#edgepg`, the built dist/index) instead of bundling what it holds, so they hold the very same
 * classes and objects and add no chunk to `import('edgepg')`.
 */
const mainEntryExternal: Plugin = {
  name: 'main-entry-external',
  setup(build) {
    build.onResolve({ filter: /\.js$/ }, (args) =>
      args.importer && resolve(args.resolveDir, args.path) === resolve('src/index.js')
        ? { path: '#edgepg', external: true }
        : undefined,
    );
  },
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
 * pg-protocol is bundled into our builds (its parser and serializer are plain code that only our
 * engine calls), `messages.js` included. That file defines `DatabaseError`, the class pg users
 * catch (`err instanceof pg.DatabaseError`); since the ESM and CJS builds each carry a copy, the
 * first copy loaded in a realm publishes its message classes on `globalThis` (under a
 * `Symbol.for` key) and every later copy uses those, so there is one `DatabaseError` per realm.
 * Why bundle it: in Node, the first CommonJS file imported from ESM costs ~3 ms of
 * `import('edgepg')` on its own (the CommonJS loader and lexer start), and each further file is
 * resolved, read and lexed separately.
 */
const PG_PROTOCOL_MESSAGES = createRequire(import.meta.url).resolve('pg-protocol/dist/messages.js');
// pg-protocol's package.json is not in its `exports`: read it beside the resolved dist/ folder.
const PG_PROTOCOL_VERSION: string = JSON.parse(
  readFileSync(resolve(PG_PROTOCOL_MESSAGES, '../../package.json'), 'utf8'),
).version;
const pgProtocolMessagesShared: Plugin = {
  name: 'pg-protocol-messages-shared',
  setup(build) {
    // pg-protocol's own `require("./messages")` reads `.plain`: the shared classes as plain data
    // properties. (A bare re-export would read every class through a getter, on every message
    // parsed: measurable on rows with many columns.)
    build.onLoad({ filter: /[\\/]pg-protocol[\\/]dist[\\/](index|parser)\.js$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(
        'require("./messages")',
        'require("./messages").plain',
      ),
      loader: 'js',
    }));
    build.onResolve({ filter: /^\.\/messages$/ }, (args) =>
      /[\\/]pg-protocol[\\/]dist$/.test(args.resolveDir)
        ? { path: 'messages', namespace: 'pg-protocol-messages' }
        : undefined,
    );
    build.onResolve({ filter: /^pg-protocol\/dist\/messages(\.js)?$/ }, () => ({
      path: 'messages',
      namespace: 'pg-protocol-messages',
    }));
    build.onLoad({ filter: /.*/, namespace: 'pg-protocol-messages' }, async () => {
      const names = Object.keys(createRequire(import.meta.url)(PG_PROTOCOL_MESSAGES));
      return {
        contents: [
          `import * as bundled from ${JSON.stringify(PG_PROTOCOL_MESSAGES)};`,
          // Keyed by pg-protocol's version: copies bundling another one keep their own classes.
          `const key = Symbol.for('edgepg.pg-protocol-messages@${PG_PROTOCOL_VERSION}');`,
          'if (!(key in globalThis)) Object.defineProperty(globalThis, key, { value: { ...bundled } });',
          'export const plain = globalThis[key];',
          `export const { ${names.join(', ')} } = plain;`,
        ].join('\n'),
        loader: 'js',
        resolveDir: process.cwd(),
      };
    });
  },
};

/**
 * Class names survive minification in users' bundles (ORMs duck-type on `constructor.name`, and
 * our errors take their `name` from their class): each top-level class of our sources gets its
 * name set explicitly after the module body. This replaces esbuild's `keepNames`, which wraps
 * every function too (400+ `__name` calls, ~2.5 KB of the minified+gzipped bundle).
 */
const classNamesKept: Plugin = {
  name: 'class-names-kept',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = [...source.matchAll(/^(?:export )?(?:abstract )?class (\w+)/gm)].map((m) => m[1]);
      if (names.length === 0) return undefined;
      const kept = names.map(
        (name) => `Object.defineProperty(${name}, 'name', { value: '${name}', configurable: true });`,
      );
      return { contents: `${source}\n${kept.join('\n')}\n`, loader: 'ts' };
    });
  },
};

/**
 * One build for every entry, ESM + CJS with `.d.ts`/`.d.cts` types. Class names are kept by
 * `classNamesKept` (above) rather than `keepNames`.
 * Runtime dependencies stay external (`ws`, `buffer`), except pg-protocol (below).
 */
const shared = {
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  splitting: true,
  treeshake: false,
  target: 'es2022',
  platform: 'neutral',
  outDir: 'dist',
  noExternal: ['pg-protocol'],
  esbuildPlugins: [internalModulesExternal, pgProtocolMessagesShared, classNamesKept],
  // Neon's `_bundleExt` (src/pg/bundle-ext.ts): which build a copy is.
  esbuildOptions(options, { format }) {
    options.define = { ...options.define, __EDGEPG_BUNDLE_EXT__: format === 'cjs' ? '"js"' : '"mjs"' };
  },
} satisfies Options;

/**
 * Four builds, so that `import('edgepg')` loads ONE file of ours: the main entry alone (a shared
 * chunk cost ~5 ms of CPU on import in Node 20, measured with process.cpuUsage over 25 fresh
 * processes: 19.9 ms with one chunk, 14.5 ms without); `edgepg/http` alone (it carries its own
 * copy of the HTTP code: `neonConfig` and the type registry are realm-wide singletons and the
 * errors `instanceof`-safe across copies, but fragments of one entry's `sql` cannot be composed
 * into the other's); the Node-only server, CLI, TCP transport and Buffer polyfill; and
 * `edgepg/pg` + `pg/lib/*`, which import the built main entry (`mainEntryExternal`).
 */
export default defineConfig([
  {
    ...shared,
    entry: { index: 'src/index.ts' },
    // `edgepg/pg`'s declarations come from here, beside the main entry's (a separate declaration
    // build would copy the classes, and rollup's `export type *` handling then mislabels values).
    dts: {
      entry: {
        index: 'src/index.ts',
        http: 'src/http/index.ts',
        'buffer-polyfill': 'src/core/buffer.ts',
        pg: 'src/pg/index.ts',
      },
    },
    // No `clean` in any of the three: they run at once, and a clean at one build's start could
    // delete what a faster build already wrote. `npm run build` empties dist/ before tsup.
    clean: false,
  },
  {
    ...shared,
    // HTTP only: no wire engine, WebSocket or Pool, so edge bundles stay small.
    entry: { http: 'src/http/index.ts' },
    dts: false,
    clean: false,
  },
  {
    ...shared,
    entry: {
      // Node only: never reached from the edge entries.
      server: 'src/server/index.ts',
      // The `edgepg` command (Node only).
      cli: 'src/cli/bin.ts',
      // `#tcp`, loaded on the first TCP connect (or the stub where there is no TCP).
      'transport-tcp': 'src/transport/tcp.ts',
      'transport-tcp-unavailable': 'src/transport/tcp-unavailable.ts',
      // `#buffer-polyfill`: alone, so that the main entries share a single chunk.
      'buffer-polyfill': 'src/core/buffer.ts',
    },
    clean: false,
  },
  {
    ...shared,
    // node-postgres's module shape alone (`edgepg/pg`, for bundler aliases) and the `pg/lib/*`
    // deep paths pg's add-ons import (types: the hand-written types/lib/*), over `#edgepg`.
    entry: { pg: 'src/pg/index.ts', ...pgLibEntries },
    dts: false,
    esbuildPlugins: [mainEntryExternal, ...shared.esbuildPlugins],
    plugins: [pgLibCjsExports],
    clean: false,
  },
]);
