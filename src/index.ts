/**
 * edgepg — the full entry: the pg-compatible `Client` and the shared value core. `Pool` and
 * `neon()` land here as their issues are built.
 */
import './core/buffer.js';

export type { ClientConfig, QueryCallback, QueryConfig } from './client/client.js';
export { Client } from './client/client.js';
export { EventEmitter } from './core/emitter.js';
export * from './core/index.js';
