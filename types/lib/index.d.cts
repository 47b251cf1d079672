// pg/lib/index under the `pg` alias: the main entry's pg object.
import type { Pg } from '../../dist/index.cjs';
declare const pg: Pg;
export = pg;
