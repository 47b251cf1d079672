/**
 * Test-side access to the server started (or found) by global-setup.ts.
 */
import { inject } from 'vitest';
import type { PgCredentials, PgRole, PgTestInfo } from './pg-info';

export type { PgRole, PgTestInfo } from './pg-info';

export function pgInfo(): PgTestInfo {
  return inject('pg');
}

/** Credentials of a role; throws when an external server lacks it (use `hasRole` to skip). */
export function credentials(role: PgRole = 'superuser'): PgCredentials {
  const info = pgInfo();
  const found = role === 'superuser' ? info.superuser : info.roles[role];
  if (!found) {
    throw new Error(`The test role "${role}" is not available on this PostgreSQL server (external server)`);
  }
  return found;
}

export function hasRole(role: PgRole): boolean {
  return role === 'superuser' || pgInfo().roles[role] !== undefined;
}

/** A `postgresql://` URL for the role, over TCP unless the server is only reachable by socket. */
export function connectionString(role: PgRole = 'superuser'): string {
  const info = pgInfo();
  const { user, password } = credentials(role);
  const auth =
    password === undefined
      ? encodeURIComponent(user)
      : `${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
  const params = new URLSearchParams(info.query ?? '');
  let host = info.host;
  if (host.startsWith('/')) {
    params.set('host', host);
    host = 'localhost';
  } else if (host.includes(':')) {
    host = `[${host}]`;
  }
  const query = params.toString();
  return `postgresql://${auth}@${host}:${info.port}/${encodeURIComponent(info.database)}${query ? `?${query}` : ''}`;
}

/** A config object for `pg.Client`/`pg.Pool` (and edgepg's own Client). */
export function clientConfig(role: PgRole = 'superuser'): {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
} {
  const info = pgInfo();
  const { user, password } = credentials(role);
  return { host: info.host, port: info.port, database: info.database, user, password };
}
