/**
 * Parsers an app set on the installed `pg-types` module, for the full entry's registry.
 *
 * pg's `types` IS `require('pg-types')`, so code written for pg may configure parsing through
 * that module directly (`require('pg-types').setTypeParser(1700, parseFloat)`) and expect the
 * driver to honour it. edgepg's registry is its own (core/type-parsers/), so where Node can
 * tell, it looks at the installed pg-types module: when it is installed AND already loaded by
 * the app, a parser that differs from pg-types' own default for that OID and format was set by
 * the app, and is used — unless the app set one on edgepg's registry too, which wins.
 *
 * Nothing is imported: the module is found through Node's CommonJS cache (`require.cache`) with
 * `process.getBuiltinModule('module')`, looked up lazily and only in Node-like runtimes, so edge
 * bundles carry no Node built-in and a process without pg-types pays one failed resolution.
 */
import type { TypeFormat } from '../types.js';
import type { AnyParser } from './text.js';

interface PgTypesModule {
  getTypeParser(oid: number, format?: TypeFormat): AnyParser;
}

interface Installed {
  /** `require.cache` key of pg-types' index.js. */
  readonly path: string;
  readonly cache: Record<string, { exports?: unknown } | undefined>;
  readonly require: (id: string) => unknown;
  /** pg-types' own defaults, collected on first use from its parser modules. */
  defaults?: { text: Map<number, AnyParser>; binary: Map<number, AnyParser> };
}

/** undefined: not looked for yet; null: not installed (or not a Node-like runtime). */
let installed: Installed | null | undefined;

function findInstalled(): Installed | null {
  try {
    const proc = (
      globalThis as { process?: { getBuiltinModule?: (id: string) => unknown; cwd?: () => string } }
    ).process;
    const moduleApi = proc?.getBuiltinModule?.('module') as
      | { createRequire(from: string): NodeJS.Require }
      | undefined;
    if (!moduleApi || typeof proc?.cwd !== 'function') return null;
    // Resolved from the app's directory, where the app's own `require('pg-types')` resolves.
    const require = moduleApi.createRequire(`${proc.cwd()}/`);
    return { path: require.resolve('pg-types'), cache: require.cache, require };
  } catch {
    return null;
  }
}

function defaultsOf(found: Installed): NonNullable<Installed['defaults']> {
  if (found.defaults) return found.defaults;
  const collect = (file: string) => {
    const parsers = new Map<number, AnyParser>();
    const lib = found.require(found.path.replace(/index\.js$/, `lib/${file}`)) as {
      init(register: (oid: number, parser: AnyParser) => void): void;
    };
    lib.init((oid, parser) => parsers.set(oid, parser));
    return parsers;
  };
  found.defaults = { text: collect('textParsers.js'), binary: collect('binaryParsers.js') };
  return found.defaults;
}

/** The parser the app set on the installed pg-types for `oid`, if it set one. */
export function pgTypesOverride(oid: number, format: TypeFormat): AnyParser | undefined {
  if (installed === undefined) installed = findInstalled();
  if (installed === null) return undefined;
  const loaded = installed.cache[installed.path]?.exports as PgTypesModule | undefined;
  if (!loaded || typeof loaded.getTypeParser !== 'function') return undefined;
  try {
    const theirs = loaded.getTypeParser(oid, format);
    const defaults = defaultsOf(installed)[format];
    // pg-types' fallback for OIDs it has no parser for is its own noParse: not an app's parser.
    const fallback = loaded.getTypeParser(-1, format);
    return theirs === defaults.get(oid) || theirs === fallback ? undefined : theirs;
  } catch {
    return undefined;
  }
}
