/** `pg/lib/type-overrides` under the `pg` alias: the per-client type parser overrides class. */
// From the main entry itself (an external import in the build), so that this is the very
// value `require('pg')` / `import('pg')` holds, and the entry adds no chunk of its own.
import { TypeOverrides } from '../../index.js';

export default TypeOverrides;
