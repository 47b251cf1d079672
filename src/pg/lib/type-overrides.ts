/** `pg/lib/type-overrides` under the `pg` alias: the per-client type parser overrides class. */
import '../../core/buffer.js';
import { TypeOverrides } from '../../core/types.js';

export default TypeOverrides;
