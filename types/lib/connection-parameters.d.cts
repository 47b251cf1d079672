// pg/lib/connection-parameters under the `pg` alias: the main entry's ConnectionParameters.
import { ConnectionParameters } from '../../dist/index.cjs';
export = ConnectionParameters;
