/** `pg/lib/result` under the `pg` alias: the Result class pg-cursor builds its results with. */
import '../../core/buffer.js';
import { Result } from '../../core/result.js';

export default Result;
