/**
 * `pg/lib/utils` under the `pg` alias: `prepareValue` (pg-cursor's import), `normalizeQueryConfig`,
 * `escapeIdentifier`, `escapeLiteral`. CJS: the object itself; ESM: the object as the default
 * export and its members as named exports.
 */
// From the main entry itself (an external import in the build): see ./result.ts.
import { utils } from '../../index.js';

export const { escapeIdentifier, escapeLiteral, normalizeQueryConfig, prepareValue } = utils;
export default utils;
