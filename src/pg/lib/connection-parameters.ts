/** `pg/lib/connection-parameters` under the `pg` alias: the connection-parameters class (config, connection string, PG* env). */
import '../../core/buffer.js';
import { ConnectionParameters } from '../../core/connection-parameters.js';

export default ConnectionParameters;
