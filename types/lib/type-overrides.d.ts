// pg/lib/type-overrides under the `pg` alias: the main entry's TypeOverrides.
export { TypeOverrides as default } from '../../dist/index.js';
