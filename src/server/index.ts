/**
 * `edgepg/server` — Node-only: the embedded PostgreSQL launcher (and, as it lands, the local
 * Neon-compatible server). Never imported by the edge entries.
 */

export type { EmbeddedPostgres, EmbeddedPostgresOptions } from './embedded-postgres.js';
export { DEFAULT_HBA, startEmbeddedPostgres } from './embedded-postgres.js';
