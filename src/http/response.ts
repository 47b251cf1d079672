/**
 * The response: results parsed as Neon 1.2.0 parses them, and errors mapped as it maps them.
 *
 * Rows arrive as arrays of Postgres text (or null). Each column's parser is chosen once, from
 * `new TypeOverrides(types).getTypeParser(dataTypeID, 'text')` (the global registry, pg-types
 * 2.2.0's parsers, when no `types` are given), so values equal pg's over TCP.
 *
 * Memory: the body text is released as soon as it is parsed (it never outlives `parseBody`), and
 * each parsed row replaces its raw array in the rows array, so raw and parsed rows are never both
 * held whole. Rows are replaced rather than overwritten cell by cell: the raw arrays are usually
 * old-generation objects by then, and storing fresh values (dates, numbers) into them makes every
 * cell an old-to-new reference for the garbage collector to track (arrays mode ran at less than
 * half the speed of objects mode that way).
 *
 * Columns whose parser is the registry's own pass-through (text, numeric, int8, …) skip the call.
 */
import type { FieldDef } from '../core/result.js';
import { registryState } from '../core/type-parsers/registry.js';
import { type CustomTypesConfig, TypeOverrides, type TypeParser } from '../core/types.js';
import { errorFields, NeonDbError, wrapError } from './neon-db-error.js';
import type { QueryTimings } from './types.js';

/** A result as the server sends it (`Neon-Array-Mode: true`, raw text). */
interface RawResult {
  fields: FieldDef[];
  rows: unknown[][];
  command?: string;
  rowCount?: number | null;
  rowAsArray?: boolean;
  [key: string]: unknown;
}

export interface ResultOptions {
  arrayMode: boolean;
  fullResults: boolean;
  types: CustomTypesConfig | undefined;
}

const unexpectedFormat = 'Neon internal error: unexpected result format';

/** Parses one result's rows; returns the rows, or (fullResults) the server's object completed as Neon does. */
export function processQueryResult(
  result: unknown,
  { arrayMode, fullResults, types }: ResultOptions,
  timings?: QueryTimings,
): unknown {
  const raw = result as RawResult;
  if (typeof raw !== 'object' || raw === null || !Array.isArray(raw.fields) || !Array.isArray(raw.rows)) {
    throw new NeonDbError(unexpectedFormat);
  }
  const overrides = new TypeOverrides(types);
  const { fields, rows } = raw;
  const parsers: TypeParser[] = fields.map((field) => overrides.getTypeParser(field.dataTypeID));
  // Columns whose parser returns a string argument unchanged (text, numeric, int8, …): no call.
  const { noParse, parseBigInteger } = registryState;
  const keep = parsers.map((parser) => parser === noParse || parser === parseBigInteger);
  // Neon: `arrayMode === true` gives arrays; anything else, objects.
  if (arrayMode === true) parseArrayRows(rows, parsers, keep);
  else parseObjectRows(rows, parsers, keep, fields);
  if (!fullResults) return rows;
  raw.viaNeonFetch = true;
  raw.rowAsArray = arrayMode;
  raw._parsers = parsers;
  raw._types = overrides;
  if (timings) raw.timings = timings;
  return raw;
}

function parseArrayRows(rows: unknown[][], parsers: TypeParser[], keep: boolean[]): void {
  for (let r = 0; r < rows.length; r++) {
    const cells = rows[r];
    const length = cells.length;
    const row = new Array(length);
    for (let i = 0; i < length; i++) {
      const value = cells[i];
      row[i] = value === null || (keep[i] && typeof value === 'string') ? value : parsers[i](value as string);
    }
    rows[r] = row;
  }
}

/**
 * Object rows with `Object.fromEntries` semantics (Neon's): keys in column order, a repeated name
 * keeps its first position and its last value, `__proto__` is an own key like any other. Rows
 * are cloned from a template (keys defined, not assigned) so they all share one shape.
 */
function parseObjectRows(
  rows: unknown[][],
  parsers: TypeParser[],
  keep: boolean[],
  fields: FieldDef[],
): void {
  const names = fields.map((field) => field.name);
  const template: Record<string, unknown> = {};
  for (const name of names) {
    Object.defineProperty(template, name, {
      value: null,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  for (let r = 0; r < rows.length; r++) {
    const cells = rows[r];
    const row: Record<string, unknown> = { ...template };
    for (let i = 0; i < cells.length; i++) {
      const value = cells[i];
      row[names[i]] =
        value === null || (keep[i] && typeof value === 'string') ? value : parsers[i](value as string);
    }
    rows[r] = row as unknown as unknown[];
  }
}

/**
 * The error for a non-2xx response: HTTP 400 carries Postgres's error as JSON (message plus the
 * 16 fields, null becoming undefined); any other status, or a 400 whose body is not a JSON object,
 * gives `Server error (HTTP status N): <body>`.
 */
export function responseError(status: number, text: string): NeonDbError {
  if (status === 400) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {}
    if (typeof json === 'object' && json !== null) {
      const fields = json as Record<string, string | null | undefined>;
      const error = new NeonDbError(fields.message as string);
      for (const field of errorFields) error[field] = fields[field] ?? undefined;
      return error;
    }
  }
  return new NeonDbError(`Server error (HTTP status ${status}): ${text}`);
}

/** Parses a 2xx body; a body that is not JSON is a `NeonDbError` showing its start. */
export function parseBody(text: string, status: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const start = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    throw wrapError(`Server error (HTTP status ${status}): the response is not JSON: ${start}`, err);
  }
}

/** The `results` of a transaction response. */
export function batchResults(json: unknown): unknown[] {
  const results = (json as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) throw new NeonDbError(unexpectedFormat);
  return results;
}
