/** `pg/lib/index` under the `pg` alias: the pg module object, as `require('pg')` returns it. */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import pg from '../../index.js';

export default pg;
