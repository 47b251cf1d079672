// pg/lib/connection-parameters under the `pg` alias: the main entry's ConnectionParameters.
export { ConnectionParameters as default } from '../../dist/index.js';
