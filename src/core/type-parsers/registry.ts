/**
 * The global type-parser registry, with pg-types 2.2.0's API and semantics, in two views of one
 * state:
 * - the text view (core/types.ts, all the HTTP entry imports): pg-types' text parsers, and for
 *   binary only the parsers an app set;
 * - the full view (core/types-full.ts): the same, plus pg-types' binary parsers as defaults.
 * `setTypeParser` on either view writes the one state, which lives in a realm-wide singleton so
 * the ESM and CJS copies of edgepg share it (as they shared the pg-types CommonJS module before).
 */
import { realmSingleton } from '../realm-singleton.js';
import type { TypeFormat } from '../types.js';
import { arrayParser } from './array.js';
import { builtins } from './builtins.js';
import { type AnyParser, noParse, parseBigInteger, textParsers } from './text.js';

interface RegistryState {
  /** pg-types' text parsers, then whatever apps set. */
  text: Record<number, AnyParser>;
  /** Binary parsers apps set (the defaults are the full view's). */
  binary: Record<number, AnyParser>;
  /** The parser for unknown text OIDs (`String`); one function for the whole realm. */
  noParse: AnyParser;
  /** The default int8 parser (text kept as is): the HTTP path skips calling it. */
  parseBigInteger: AnyParser;
  /**
   * The parser the text view gives for binary OIDs nobody set: `String(bytes)` as pg-types'
   * fallback, but its own function, so the binary result path can tell "nobody set one" apart.
   */
  unparsedBinary: AnyParser;
  /** `format:oid` of every parser set through `setTypeParser` (they win over pg-types'). */
  userSet?: Set<string>;
}

export const registryState: RegistryState = /* @__PURE__ */ realmSingleton('type-parsers', () => ({
  text: textParsers(),
  binary: {},
  noParse,
  parseBigInteger,
  unparsedBinary: (value: unknown) => String(value),
}));

/** pg-types' `setTypeParser(oid, parser)` and `setTypeParser(oid, format, parser)`. */
export function setTypeParser(oid: number, format: TypeFormat | AnyParser, parser?: AnyParser): void {
  if (typeof format === 'function') {
    parser = format;
    format = 'text';
  }
  if (format !== 'text' && format !== 'binary') {
    throw new TypeError(`setTypeParser: unknown format ${String(format)}`);
  }
  registryState[format][oid] = parser as AnyParser;
  registryState.userSet ??= new Set();
  registryState.userSet.add(`${format}:${oid}`);
}

/**
 * pg-types' `getTypeParser(oid, format = 'text')`, with `binaryDefaults` consulted for binary
 * OIDs no app set. As there, a parser set to a falsy value gives the fallback.
 */
export function lookupTypeParser(
  oid: number,
  format: unknown,
  binaryDefaults: Readonly<Record<number, AnyParser>> | undefined,
): AnyParser {
  const { text, binary, noParse, unparsedBinary } = registryState;
  if (!format || format === 'text') return text[oid] || noParse;
  if (format !== 'binary') return noParse;
  return (
    (Object.hasOwn(binary, oid) || !binaryDefaults ? binary[oid] : binaryDefaults[oid]) || unparsedBinary
  );
}

/** The registry object apps see as `types`: pg-types' module shape. */
export interface TypeParserRegistry {
  // biome-ignore lint/suspicious/noExplicitAny: parsers return any value, as in pg-types and @types/pg
  getTypeParser(oid: number, format?: TypeFormat): (value: any) => any;
  // biome-ignore lint/suspicious/noExplicitAny: parsers return any value, as in pg-types and @types/pg
  setTypeParser(oid: number, parseFn: (value: string) => any): void;
  // biome-ignore lint/suspicious/noExplicitAny: parsers return any value, as in pg-types and @types/pg
  setTypeParser(oid: number, format: TypeFormat, parseFn: (value: any) => any): void;
  /** postgres-array's parser: `arrayParser.create(text, parseElement).parse()`. */
  arrayParser: typeof arrayParser;
  builtins: typeof builtins;
}

/** A view over the shared state; `name` keys its realm-wide singleton, so both builds share the object too. */
export function registryView(
  name: string,
  binaryDefaults: Readonly<Record<number, AnyParser>> | undefined,
  /** The view's lookup, when it is more than `lookupTypeParser` (the full view's, types-full.ts). */
  lookup = (oid: number, format?: TypeFormat) => lookupTypeParser(oid, format, binaryDefaults),
): TypeParserRegistry {
  return realmSingleton(name, () => ({
    getTypeParser: lookup,
    setTypeParser,
    arrayParser,
    builtins,
  }));
}
