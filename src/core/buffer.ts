/**
 * `pg-protocol` and `pg-types` use the global `Buffer` (pg-types even at module load, through
 * postgres-bytea). Node, Bun, Deno and workerd with `nodejs_compat` have it; browsers and plain
 * workerd do not. This module installs the `buffer` package's implementation only when the
 * runtime lacks one, and must be imported before anything that touches `Buffer`.
 */
import { Buffer as BufferPolyfill } from 'buffer';

const globals = globalThis as { Buffer?: unknown };
if (typeof globals.Buffer === 'undefined') {
  globals.Buffer = BufferPolyfill;
}
