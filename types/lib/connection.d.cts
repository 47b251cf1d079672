// pg/lib/connection under the `pg` alias: the main entry's Connection.
import { Connection } from '../../dist/index.cjs';
export = Connection;
