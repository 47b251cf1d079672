/** `pg/lib/connection` under the `pg` alias: a name only (edgepg has no socket-level Connection). */
import '../../core/buffer.js';
import { Connection } from '../connection.js';

export default Connection;
