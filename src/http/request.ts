/**
 * The request: JSON body, `Neon-*` headers and the `fetch` init, as Neon 1.2.0 sends them.
 *
 * - Body: `{"query", "params"}` for one query, `{"queries": [...]}` for a transaction. Every
 *   parameter goes through pg's `prepareValue`, then bytes become the bytea hex text `\x…`, so each
 *   is a string or null.
 * - Headers: `Neon-Connection-String`, `Neon-Raw-Text-Output: true`, `Neon-Array-Mode: true`
 *   (we always parse text ourselves, from arrays), `Authorization: Bearer …` with a token, and the
 *   `Neon-Batch-*` headers for transactions whose options set them (booleans as `"true"`/`"false"`).
 * - No `Content-Type` (fetch sends `text/plain;charset=UTF-8`, which Neon's proxy accepts).
 */
import { bytesToHex, prepareValue } from '../core/prepare-value.js';
import { NeonDbError } from './neon-db-error.js';
import { SqlTemplate } from './sql-template.js';
import type { HTTPTransactionOptions, ParameterizedQuery } from './types.js';

type Json = Record<string, unknown>;

/** Compiles a query (template or `sql.query()` data) into the body's `{query, params}`. */
export function prepareQuery(data: SqlTemplate | ParameterizedQuery): ParameterizedQuery {
  const { query, params } = data instanceof SqlTemplate ? data.toParameterizedQuery() : data;
  return { query, params: params.map(encodeParam) };
}

function encodeParam(value: unknown): string | null {
  const prepared = prepareValue(value);
  return prepared === null || typeof prepared === 'string' ? prepared : `\\x${bytesToHex(prepared)}`;
}

export function requestHeaders(
  connectionString: string,
  token: unknown,
  batch: HTTPTransactionOptions<boolean, boolean> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Neon-Connection-String': connectionString,
    'Neon-Raw-Text-Output': 'true',
    'Neon-Array-Mode': 'true',
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (batch) {
    if (batch.isolationLevel !== undefined) headers['Neon-Batch-Isolation-Level'] = batch.isolationLevel;
    if (batch.readOnly !== undefined) headers['Neon-Batch-Read-Only'] = String(batch.readOnly);
    if (batch.deferrable !== undefined) headers['Neon-Batch-Deferrable'] = String(batch.deferrable);
  }
  return headers;
}

/**
 * The `fetch` init: ours, then `fetchOptions` over it (as in Neon), except that `headers` are
 * merged (a user header replaces ours of the same name, in any case) and our `signal` option is
 * combined with a `fetchOptions.signal`.
 */
export function fetchInit(
  body: string,
  headers: Record<string, string>,
  fetchOptions: Json,
  signal: AbortSignal | undefined,
): Json {
  const init: Json = { method: 'POST', body, headers, ...fetchOptions };
  if (fetchOptions.headers !== undefined) init.headers = mergeHeaders(headers, fetchOptions.headers);
  if (signal)
    init.signal = fetchOptions.signal ? anySignal(signal, fetchOptions.signal as AbortSignal) : signal;
  return init;
}

function mergeHeaders(ours: Record<string, string>, theirs: unknown): Record<string, string> {
  const merged = { ...ours };
  // Headers accepts every HeadersInit form (object, pairs, Headers) and lower-cases the names.
  new Headers(theirs as ConstructorParameters<typeof Headers>[0]).forEach((value, name) => {
    for (const key of Object.keys(merged)) if (key.toLowerCase() === name) delete merged[key];
    merged[name] = value;
  });
  return merged;
}

/** A signal aborted when either is (`AbortSignal.any` where it exists). */
export function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const controller = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/** Resolves an `authToken` option: a string, or a (sync or async) function called now. */
export async function authTokenValue(authToken: unknown): Promise<unknown> {
  if (typeof authToken === 'string') return authToken;
  if (typeof authToken !== 'function') return undefined;
  try {
    return await authToken();
  } catch (err) {
    // Neon's messages (and, as Neon, no `sourceError`).
    throw new NeonDbError(
      err instanceof Error ? `Error getting auth token: ${err.message}` : 'Error getting auth token.',
    );
  }
}
