// pg/lib/type-overrides under the `pg` alias: the main entry's TypeOverrides.
import { TypeOverrides } from '../../dist/index.cjs';
export = TypeOverrides;
