// pg/lib/result under the `pg` alias: the main entry's Result.
import { Result } from '../../dist/index.cjs';
export = Result;
