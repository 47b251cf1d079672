/** `pg/lib/query` under the `pg` alias: pg's built-in Submittable. */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import { Query } from '../../index.js';

export default Query;
