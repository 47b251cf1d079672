/** `pg/lib/query` under the `pg` alias: pg's built-in Submittable. */
import '../../core/buffer.js';
import { Query } from '../query.js';

export default Query;
