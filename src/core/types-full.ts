/**
 * The full entry's view of the global type-parser registry: the text view's state (core/types.ts)
 * plus pg-types' binary parsers as defaults, which only the full entry (Client, Pool, `pg`) can
 * receive. A separate module so the HTTP entry's bundle leaves the binary parsers out; it has no
 * side effects: the view looks the defaults up when asked.
 */
import { binaryParsers } from './type-parsers/binary.js';
import type { TypesBuiltins } from './type-parsers/builtins.js';
import { pgTypesOverride } from './type-parsers/pg-types-bridge.js';
import {
  lookupTypeParser,
  registryState,
  registryView,
  type TypeParserRegistry,
} from './type-parsers/registry.js';
import { type CustomTypesConfig, TypeOverrides as TextTypeOverrides, type TypeFormat } from './types.js';

/** The global registry with binary parsers: what `types` is on `edgepg` and `edgepg/pg`. */
export const types: TypeParserRegistry & { builtins: TypesBuiltins } = /* @__PURE__ */ registryView(
  'types.full',
  binaryParsers,
  fullLookup,
);

/**
 * Ours, unless the installed pg-types module has a parser the app set there and ours was not set
 * (type-parsers/pg-types-bridge.ts): pg's `types` is that module, so code written for pg may
 * configure it directly.
 */
function fullLookup(oid: number, format?: TypeFormat) {
  const ours = lookupTypeParser(oid, format, binaryParsers);
  const kind = format ?? 'text';
  if ((kind !== 'text' && kind !== 'binary') || registryState.userSet?.has(`${kind}:${oid}`)) return ours;
  return pgTypesOverride(oid, kind) ?? ours;
}

/**
 * A binary column's parser from `registry`, with pg-types' binary parsers where the registry
 * chain ends in the text view's "nobody set one" (a client's `TypeOverrides` falls back to the
 * text view, which has no binary defaults).
 */
// biome-ignore lint/suspicious/noExplicitAny: parsers return any value, as in pg-types and @types/pg
export function binaryParserFrom(registry: CustomTypesConfig, oid: number): (value: any) => any {
  const parser = registry.getTypeParser(oid, 'binary');
  return parser === registryState.unparsedBinary ? binaryParsers[oid] || parser : parser;
}

/** pg's `TypeOverrides`, falling back to the full registry when given no other. */
export class TypeOverrides extends TextTypeOverrides {
  constructor(userTypes?: CustomTypesConfig) {
    super(userTypes ?? types);
  }
}
