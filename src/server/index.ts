/**
 * `edgepg/server` — Node-only: the local Neon-compatible server (`startServer`, `startDev`) and
 * the embedded PostgreSQL launcher. Never imported by the edge entries.
 */

export type { DevOptions, DevServer } from './dev.js';
export { NEON_CONFIG_LINES, neonConfigLines, startDev } from './dev.js';
export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-postgres.js';
export { DEFAULT_HBA, startEmbeddedPostgres } from './embedded-postgres.js';
export type { LogLevel, LogSink } from './log.js';
export type { PoolOptions, ServerOptions } from './options.js';
export { DEFAULT_PORT } from './options.js';
export type { LocalServer } from './server.js';
export { startServer } from './server.js';
export type { TlsOptions } from './tls.js';
