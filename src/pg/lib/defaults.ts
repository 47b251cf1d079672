/** `pg/lib/defaults` under the `pg` alias: the mutable defaults object itself, shared with `pg.defaults`. */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import { defaults } from '../../index.js';

export default defaults;
