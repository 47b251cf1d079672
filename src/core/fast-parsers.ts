/**
 * The hot parsers' fast paths are the registry's own defaults now (type-parsers/*); these names
 * stay for the HTTP response path, which skips calling the parsers that return text unchanged.
 */
import { registryState } from './type-parsers/registry.js';

export { parseDate as fastParseDate } from './type-parsers/date.js';
export { parseIntegerArray as fastParseIntegerArray } from './type-parsers/text.js';

/** The fallback parser for unknown OIDs: returns text unchanged. The realm's one function, so both builds compare equal. */
export const fastNoParse = registryState.noParse;

/** The default int8 parser: returns text unchanged. */
export const fastParseBigInteger = registryState.parseBigInteger;

/** Nothing left to swap: the registry's parsers are the fast ones. Kept for its callers. */
export function optimizedScalarParser<P>(parser: P): P {
  return parser;
}
