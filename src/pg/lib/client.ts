/** `pg/lib/client` under the `pg` alias: pg's Client class is edgepg's Client. */
import '../../core/buffer.js';
import { Client } from '../../client/client.js';

export default Client;
