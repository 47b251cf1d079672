/** `pg/lib/index` under the `pg` alias: the pg module object, as `require('pg')` returns it. */
import '../../core/buffer.js';
import { pg } from '../pg.js';

export default pg;
