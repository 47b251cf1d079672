// pg/lib/defaults under the `pg` alias: the main entry's defaults.
import { defaults } from '../../dist/index.cjs';
export = defaults;
