/** `pg/lib/connection` under the `pg` alias: a name only (edgepg has no socket-level Connection). */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import { Connection } from '../../index.js';

export default Connection;
