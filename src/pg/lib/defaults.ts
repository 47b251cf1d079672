/** `pg/lib/defaults` under the `pg` alias: the mutable defaults object itself, shared with `pg.defaults`. */
import '../../core/buffer.js';
import { defaults } from '../../core/defaults.js';

export default defaults;
