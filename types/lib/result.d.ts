// pg/lib/result under the `pg` alias: the main entry's Result.
export { Result as default } from '../../dist/index.js';
