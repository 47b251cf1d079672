/**
 * pg's `lib/utils.js` surface: what `pg-cursor` (`prepareValue`) and other pg add-ons import
 * from `pg/lib/utils.js`, built on edgepg's value core.
 */
import { escapeIdentifier, escapeLiteral } from '../core/escape.js';
import { prepareWireValue } from '../wire/wire-value.js';

/** One argument only, as pg's wrapper: `values.map(prepareValue)` must not pass the index on. */
export function prepareValue(value: unknown): string | Buffer | null {
  return prepareWireValue(value);
}

/** The loose config pg's `Query` and `client.query()` accept, after normalisation. */
export interface NormalizedQueryConfig {
  text?: string;
  values?: unknown[];
  callback?: (...args: never[]) => unknown;
  [key: string]: unknown;
}

/**
 * pg's `normalizeQueryConfig(config, values, callback)`: a string becomes `{ text }`, an object
 * is copied with its prototype and property descriptors (so the caller's object is not mutated),
 * a function in `values` is the callback.
 */
export function normalizeQueryConfig(
  config: string | object,
  values?: unknown[] | ((...args: never[]) => unknown),
  callback?: (...args: never[]) => unknown,
): NormalizedQueryConfig {
  const normalized: NormalizedQueryConfig =
    typeof config === 'string'
      ? { text: config }
      : config == null
        ? (config as unknown as NormalizedQueryConfig)
        : Object.defineProperties(
            Object.create(Object.getPrototypeOf(config)),
            Object.getOwnPropertyDescriptors(config),
          );
  if (values) {
    if (typeof values === 'function') normalized.callback = values;
    else normalized.values = values;
  }
  if (callback) normalized.callback = callback;
  return normalized;
}

export { escapeIdentifier, escapeLiteral };

/** The object `require('pg/lib/utils.js')` and `pg.utils` are. */
export const utils = { prepareValue, normalizeQueryConfig, escapeIdentifier, escapeLiteral };
