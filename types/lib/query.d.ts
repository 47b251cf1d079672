// pg/lib/query under the `pg` alias: the main entry's Query.
export { Query as default } from '../../dist/index.js';
