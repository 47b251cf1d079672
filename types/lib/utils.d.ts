// pg/lib/utils under the `pg` alias: the main entry's utils (ESM: also its members by name).
import { utils } from '../../dist/index.js';
export default utils;
export declare const prepareValue: typeof utils.prepareValue;
export declare const normalizeQueryConfig: typeof utils.normalizeQueryConfig;
export declare const escapeIdentifier: typeof utils.escapeIdentifier;
export declare const escapeLiteral: typeof utils.escapeLiteral;
