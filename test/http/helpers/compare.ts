/**
 * Normalisers for comparing our results and requests with `@neondatabase/serverless`'s.
 *
 * Neon bundles its own copies of pg-types' helpers (postgres-interval, …) and of pg's
 * `TypeOverrides`, so values of those classes are equal field by field but not by prototype;
 * `plain()` turns class instances into `{ $class, ...fields }` so `toStrictEqual` compares what
 * matters. Dates and Buffers are kept (both libraries produce the global classes).
 */
import { EdgePgError } from '../../../src/core/errors.js';
import type { CapturedRequest } from './sql-endpoint.js';

const appName = /([?&])application_name=[^&]*/;

/** Our `application_name` differs by design: replace both drivers' by a marker. */
export function normalizeRequest(request: CapturedRequest): CapturedRequest {
  const headers = { ...request.headers };
  const cs = headers['neon-connection-string'];
  if (cs) headers['neon-connection-string'] = cs.replace(appName, '$1application_name=<driver>');
  return { ...request, headers };
}

export function plain(value: unknown, seen = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(plain(item, seen));
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  const out: Record<string, unknown> = {};
  seen.set(value, out);
  if (proto !== Object.prototype && proto !== null) out.$class = proto.constructor?.name;
  for (const [key, item] of Object.entries(value)) out[key] = plain(item, seen);
  return out;
}

/**
 * A result made comparable: `_parsers` (functions of each library) become their count and
 * `_types` its class name and wrapped registry presence.
 */
export function comparableResult(result: unknown): unknown {
  if (Array.isArray(result)) return result.map(comparableResult);
  if (typeof result !== 'object' || result === null || !('viaNeonFetch' in result)) return plain(result);
  const { _parsers, _types, ...rest } = result as Record<string, unknown>;
  return {
    ...(plain(rest) as object),
    _parsers: Array.isArray(_parsers) ? _parsers.length : _parsers,
    _types: (_types as object | undefined)?.constructor?.name,
  };
}

/** The observable parts of an error, for equality between the drivers. */
export function comparableError(error: unknown): unknown {
  if (!(error instanceof Error)) return { notAnError: error };
  // Where Neon throws a plain Error, we throw an EdgePgError (same message, plus a `code`):
  // compared as the plain Error here, checked for its class in errors.test.ts.
  if (error instanceof EdgePgError) return { message: error.message, name: 'Error', keys: [] };
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    own[key] =
      key === 'sourceError' && value ? `${(value as Error).name}: ${(value as Error).message}` : value;
  }
  return { message: error.message, name: error.name, keys: Object.keys(error), ...own };
}
