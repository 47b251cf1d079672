/** `pg/lib/client` under the `pg` alias: pg's Client class is edgepg's Client. */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import { Client } from '../../index.js';

export default Client;
