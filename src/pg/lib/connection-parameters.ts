/** `pg/lib/connection-parameters` under the `pg` alias: the connection-parameters class (config, connection string, PG* env). */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import { ConnectionParameters } from '../../index.js';

export default ConnectionParameters;
