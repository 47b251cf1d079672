/**
 * `pg-protocol` uses the global `Buffer` (even at module load: its serializer allocates one), and
 * so do the binary type parsers. Node, Bun, Deno and workerd with `nodejs_compat` have it; browsers and plain
 * workerd do not. This module installs the `buffer` package's implementation only when the
 * runtime lacks one, and must be imported before anything that touches `Buffer`.
 */
import { Buffer as BufferPolyfill } from 'buffer';

const globals = globalThis as { Buffer?: unknown };
if (typeof globals.Buffer === 'undefined') {
  globals.Buffer = BufferPolyfill;
}
