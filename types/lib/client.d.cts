// pg/lib/client under the `pg` alias: the main entry's Client.
import { Client } from '../../dist/index.cjs';
export = Client;
