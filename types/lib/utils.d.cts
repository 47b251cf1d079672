// pg/lib/utils under the `pg` alias: the main entry's utils.
import { utils } from '../../dist/index.cjs';
export = utils;
