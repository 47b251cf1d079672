/**
 * The template compiler: pure, no I/O. A tagged template is kept as its strings and values
 * (`SqlTemplate`) and only compiled into `{ query, params }` when the query runs, walking the
 * values left to right into one shared `params` array, so nested fragments number their
 * placeholders on from the outer ones (`$1 … $n` across all of them):
 *
 * | value                                   | becomes                                           |
 * | --------------------------------------- | ------------------------------------------------- |
 * | `sql.unsafe(text)`                      | `text`, pasted verbatim                           |
 * | a nested `` sql`…` ``                   | compiled in place, its values appended to params  |
 * | `sql.query(text)` with no params        | `text`, pasted verbatim                           |
 * | `sql.query(text, [p, …])`               | an error: its `$n` cannot be renumbered           |
 * | a Buffer or other ArrayBuffer view      | `$n::bytea`                                       |
 * | anything else (arrays too)              | `$n`, the value one parameter                     |
 */
import { UsageError } from '../core/errors.js';
import { NeonQueryPromise } from './query-promise.js';
import type { ParameterizedQuery } from './types.js';

/** Raw SQL from `sql.unsafe()`, pasted into templates as is. Use only with trusted text. */
export class UnsafeRawSql {
  sql: string;
  constructor(sql: string) {
    this.sql = sql;
  }
}

/** A tagged template not yet compiled: its literal parts and interpolated values. */
export class SqlTemplate {
  strings: ReadonlyArray<string>;
  // biome-ignore lint/suspicious/noExplicitAny: mirrors Neon's `values: any[]`; values are arbitrary
  values: any[];

  // biome-ignore lint/suspicious/noExplicitAny: as above
  constructor(strings: ReadonlyArray<string>, values: any[]) {
    this.strings = strings;
    this.values = values;
  }

  /** Appends this template's text and parameters to `result` (a fresh one by default) and returns it. */
  // biome-ignore lint/suspicious/noExplicitAny: mirrors Neon's signature; params are arbitrary values
  toParameterizedQuery(result: { query: string; params: any[] } = { query: '', params: [] }): {
    query: string;
    // biome-ignore lint/suspicious/noExplicitAny: as above
    params: any[];
  } {
    const { strings, values } = this;
    for (let i = 0; i < strings.length; i++) {
      result.query += strings[i];
      if (i >= values.length) continue;
      const value = values[i];
      if (value instanceof UnsafeRawSql) {
        result.query += value.sql;
      } else if (value instanceof NeonQueryPromise) {
        const data = value.queryData;
        if (data instanceof SqlTemplate) {
          data.toParameterizedQuery(result);
        } else {
          // Message as Neon's: a parameterised query's own $n cannot be renumbered into ours.
          if ((data as ParameterizedQuery).params?.length)
            throw new UsageError('This query is not composable');
          result.query += (data as ParameterizedQuery).query;
        }
      } else {
        result.query += `$${result.params.push(value)}`;
        // Buffers are Uint8Arrays, so this covers them too.
        if (ArrayBuffer.isView(value)) result.query += '::bytea';
      }
    }
    return result;
  }
}
