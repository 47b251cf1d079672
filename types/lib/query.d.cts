// pg/lib/query under the `pg` alias: the main entry's Query.
import { Query } from '../../dist/index.cjs';
export = Query;
