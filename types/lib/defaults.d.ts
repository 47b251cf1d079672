// pg/lib/defaults under the `pg` alias: the main entry's defaults.
export { defaults as default } from '../../dist/index.js';
