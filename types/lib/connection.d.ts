// pg/lib/connection under the `pg` alias: the main entry's Connection.
export { Connection as default } from '../../dist/index.js';
