/**
 * Type parsing: the global registry (pg-types 2.2.0's API and results, our own code; see
 * type-parsers/registry.ts) and pg's `TypeOverrides`.
 *
 * This module holds the text view, all the HTTP entry needs: pg-types' text parsers, and binary
 * parsers only where an app set them. The full entry's view (types-full.ts) adds pg-types' binary
 * parsers. Both read and write one realm-wide state, so `types.setTypeParser(...)` through either
 * reaches every client and `neon()` query function in the process.
 */
import type { TypesBuiltins } from './type-parsers/builtins.js';
import { registryView, type TypeParserRegistry } from './type-parsers/registry.js';

export type { ElementParser } from './type-parsers/array.js';
export type { BuiltinTypeName, TypesBuiltins } from './type-parsers/builtins.js';
export type { TypeParserRegistry } from './type-parsers/registry.js';

export type TypeFormat = 'text' | 'binary';

/** Converts one column value (text format) into a JS value. */
export type TypeParser<I = string, T = unknown> = (value: I) => T;

/** Anything with pg-types' `getTypeParser`: the global registry, a `TypeOverrides`, a custom object. */
export interface CustomTypesConfig {
  // biome-ignore lint/suspicious/noExplicitAny: parsers return any value, as in pg-types and @types/pg
  getTypeParser(oid: number, format?: TypeFormat): TypeParser<any, any>;
}

/** The global registry (text view): `getTypeParser`, `setTypeParser`, `arrayParser`, `builtins`. */
export const types: TypeParserRegistry & { builtins: TypesBuiltins } = /* @__PURE__ */ registryView(
  'types.text',
  undefined,
);

/**
 * Per-client (or per-query) parser overrides that fall back to another registry, by default the
 * global one. Same contract as pg's `TypeOverrides`.
 */
export class TypeOverrides implements CustomTypesConfig {
  readonly _types: CustomTypesConfig;
  readonly text: Record<number, TypeParser> = {};
  readonly binary: Record<number, TypeParser<Uint8Array>> = {};

  constructor(userTypes?: CustomTypesConfig) {
    this._types = userTypes ?? types;
  }

  getOverrides(format: TypeFormat): Record<number, TypeParser<never>> {
    return format === 'text' || format === 'binary' ? this[format] : {};
  }

  setTypeParser(oid: number, parseFn: TypeParser): void;
  setTypeParser(oid: number, format: TypeFormat, parseFn: TypeParser): void;
  setTypeParser(oid: number, formatOrFn: TypeFormat | TypeParser, parseFn?: TypeParser): void {
    if (typeof formatOrFn === 'function') {
      parseFn = formatOrFn;
      formatOrFn = 'text';
    }
    if (typeof parseFn !== 'function') throw new TypeError('setTypeParser expects a parser function');
    (this.getOverrides(formatOrFn) as Record<number, TypeParser>)[oid] = parseFn;
  }

  // biome-ignore lint/suspicious/noExplicitAny: parsers return any value, as in pg-types and @types/pg
  getTypeParser(oid: number, format: TypeFormat = 'text'): TypeParser<any, any> {
    return (
      (this.getOverrides(format) as Record<number, TypeParser>)[oid] ?? this._types.getTypeParser(oid, format)
    );
  }
}
