// pg/lib/client under the `pg` alias: the main entry's Client.
export { Client as default } from '../../dist/index.js';
