/**
 * What the global setup tells the tests about the PostgreSQL server they run against.
 * Plain JSON: it crosses from the vitest main process to the workers through `provide`/`inject`.
 */

export interface PgCredentials {
  user: string;
  /** Absent for the trust role. */
  password?: string;
}

/** The login roles, one per authentication method. */
export type PgAuthRole = 'scram' | 'md5' | 'password' | 'trust';
export type PgRole = 'superuser' | PgAuthRole;

export interface PgTestInfo {
  host: string;
  port: number;
  database: string;
  /** Connects over TCP with SCRAM (embedded). With DATABASE_URL: whoever the URL names. */
  superuser: { user: string; password: string };
  /**
   * Embedded: always all four, and each authenticates over TCP with its own method.
   * External server: only the roles that could be created and then log in.
   */
  roles: {
    scram?: { user: string; password: string };
    md5?: { user: string; password: string };
    password?: { user: string; password: string };
    trust?: { user: string };
  };
  /** Unix socket directory (embedded: trust for every user). */
  socketDir?: string;
  /** Query string of DATABASE_URL (e.g. "sslmode=require") to reuse in connection strings. */
  query?: string;
  /** server_version, e.g. "17.10". */
  version: string;
  /** server_version_num, e.g. 170010. */
  versionNum: number;
  /** True when DATABASE_URL (or PGHOST) pointed the tests at an existing server. */
  external: boolean;
  /** Embedded only: the cluster's data directory. */
  dataDir?: string;
}

/** The login roles the setup creates (passwords are test-only, the clusters are throwaway). */
export const TEST_ROLES = {
  scram: { user: 'edgepg_scram', password: 'scram-pass' },
  md5: { user: 'edgepg_md5', password: 'md5-pass' },
  password: { user: 'edgepg_password', password: 'clear-pass' },
  trust: { user: 'edgepg_trust' },
} as const;

/** Password given to the embedded cluster's `postgres` superuser so it can log in over TCP. */
export const EMBEDDED_SUPERUSER_PASSWORD = 'postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    pg: PgTestInfo;
  }
}
