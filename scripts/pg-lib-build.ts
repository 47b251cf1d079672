/**
 * Build support for the `pg/lib/*` deep paths (src/pg/lib/): under a `"pg": "npm:edgepg@^1"`
 * alias, `require('pg/lib/result.js')` must return the Result class itself, as pg's CommonJS
 * `module.exports = Result` does, not `{ default: Result }`.
 *
 * tsup's own `cjsInterop` does that for the JavaScript but also rewrites every entry's .d.cts
 * default export to `export =`, which is wrong for the main entry (default + named exports). So
 * the lib entries get their CJS `module.exports` from the small plugin below, and their
 * declarations are the hand-written `types/lib/*.d.ts` / `*.d.cts` (ESM `export default`, CJS
 * `export =`), which re-export the main entry's types: `pg/lib/result` and `pg.Result` are one
 * type as they are one value.
 */
import type { Options } from 'tsup';

type TsupPlugin = NonNullable<Options['plugins']>[number];

/** Each `pg/lib/<name>` and the main-entry export it is (pg-compat.md §1.1). */
const pgLibExports: Record<string, string> = {
  index: 'default',
  client: 'Client',
  connection: 'Connection',
  'connection-parameters': 'ConnectionParameters',
  defaults: 'defaults',
  query: 'Query',
  result: 'Result',
  'type-overrides': 'TypeOverrides',
  utils: 'utils',
};

/** tsup entries: `lib/<name>` → `src/pg/lib/<name>.ts`. */
export const pgLibEntries: Record<string, string> = Object.fromEntries(
  Object.keys(pgLibExports).map((name) => [`lib/${name}`, `src/pg/lib/${name}.ts`]),
);

/** CJS only: a lib entry's module object is its default export (each lib module has one). */
export const pgLibCjsExports: TsupPlugin = {
  name: 'pg-lib-cjs-exports',
  renderChunk(code, info) {
    if (this.format !== 'cjs' || info.type !== 'chunk' || !/[\\/]lib[\\/][^\\/]+\.cjs$/.test(info.path))
      return;
    return { code: `${code}\nmodule.exports = exports.default;\n`, map: info.map };
  },
};
