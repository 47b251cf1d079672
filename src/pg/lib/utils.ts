/**
 * `pg/lib/utils` under the `pg` alias: `prepareValue` (pg-cursor's import), `normalizeQueryConfig`,
 * `escapeIdentifier`, `escapeLiteral`. CJS: the object itself; ESM: the object as the default
 * export and its members as named exports.
 */
import '../../core/buffer.js';
import { utils } from '../utils.js';

export { escapeIdentifier, escapeLiteral, normalizeQueryConfig, prepareValue } from '../utils.js';
export default utils;
