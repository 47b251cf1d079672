/** `pg/lib/result` under the `pg` alias: the Result class pg-cursor builds its results with. */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import { Result } from '../../index.js';

export default Result;
