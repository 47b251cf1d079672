/**
 * Type parsing. The global registry is the `pg-types` 2.2.0 module object itself, the exact
 * version `pg` pins, so `types.setTypeParser(...)` calls made by apps (or by code written for
 * `pg`, which calls `require('pg-types').setTypeParser`) affect edgepg exactly as they affect pg.
 */
import './buffer.js';
import pgTypes from 'pg-types';

export type TypeFormat = 'text' | 'binary';

/** Converts one column value (text format) into a JS value. */
export type TypeParser<I = string, T = unknown> = (value: I) => T;

/** Anything with pg-types' `getTypeParser`: the global registry, a `TypeOverrides`, a custom object. */
export interface CustomTypesConfig {
  // biome-ignore lint/suspicious/noExplicitAny: parsers return any value, as in pg-types and @types/pg
  getTypeParser(oid: number, format?: TypeFormat): TypeParser<any, any>;
}

/** The pg-types module: `getTypeParser`, `setTypeParser`, `arrayParser`, `builtins`. */
export const types: typeof pgTypes = pgTypes;

/**
 * Per-client (or per-query) parser overrides that fall back to another registry, by default the
 * global one. Same contract as pg's `TypeOverrides`.
 */
export class TypeOverrides implements CustomTypesConfig {
  readonly _types: CustomTypesConfig;
  readonly text: Record<number, TypeParser> = {};
  readonly binary: Record<number, TypeParser<Uint8Array>> = {};

  constructor(userTypes?: CustomTypesConfig) {
    this._types = userTypes ?? pgTypes;
  }

  getOverrides(format: TypeFormat): Record<number, TypeParser<never>> {
    if (format === 'text') return this.text;
    if (format === 'binary') return this.binary;
    return {};
  }

  setTypeParser(oid: number, parseFn: TypeParser): void;
  setTypeParser(oid: number, format: TypeFormat, parseFn: TypeParser): void;
  setTypeParser(oid: number, formatOrFn: TypeFormat | TypeParser, parseFn?: TypeParser): void {
    if (typeof formatOrFn === 'function') {
      this.text[oid] = formatOrFn;
      return;
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
