/**
 * Config expansion: connection string + config object + `PG*` environment variables + defaults,
 * with pg's precedence, computed once per client.
 *
 * pg's rules, kept exactly:
 * - a `connectionString` is parsed with pg-connection-string's rules (`connection-string.ts`)
 *   and merged OVER the config object
 *   (the string wins, including `sslmode` over an explicit `ssl`);
 * - each key then takes the config value if it is truthy, else `PG<KEY>`, else `defaults`
 *   (so `password: ''` and `port: 0` fall through);
 * - `database` falls back to `user`; `PGSSLMODE` applies only when `ssl` is not given.
 *
 * Beyond pg: malformed strings, bad ports and unknown `sslmode`s are `ConfigError`s that never
 * echo the password, instead of a raw `TypeError: Invalid URL` or silent acceptance.
 */
import { parseConnectionUrl } from './connection-string.js';
import { defaults } from './defaults.js';
import { type Env, processEnv } from './env.js';
import { ConfigError } from './errors.js';
import type { CustomTypesConfig } from './types.js';

/** TLS options handed to `tls.connect` (Node) — kept structural so edge builds need no Node types. */
export interface SslConfig {
  rejectUnauthorized?: boolean;
  ca?: string | string[];
  cert?: string;
  key?: string;
  servername?: string;
  [option: string]: unknown;
}

export type PasswordProvider = string | (() => string | Promise<string>);

/** Connection options shared by `Client`, `Pool` and the HTTP function's connection strings. */
export interface ConnectionConfig {
  user?: string;
  password?: PasswordProvider;
  host?: string;
  port?: number | string;
  database?: string;
  connectionString?: string;
  ssl?: boolean | SslConfig | string;
  sslmode?: string;
  sslnegotiation?: 'postgres' | 'direct';
  application_name?: string;
  fallback_application_name?: string;
  options?: string;
  client_encoding?: string;
  replication?: string | boolean;
  binary?: boolean;
  statement_timeout?: false | number;
  lock_timeout?: false | number;
  idle_in_transaction_session_timeout?: false | number;
  query_timeout?: false | number;
  connectionTimeoutMillis?: number;
  keepAlive?: boolean;
  keepAliveInitialDelayMillis?: number;
  types?: CustomTypesConfig;
}

/** sslmode values we understand: libpq's six plus pg's `no-verify`. */
const sslModes = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full', 'no-verify']);

/** Replaces the password in a connection string with `*****` for use in error messages. */
export function redactConnectionString(str: string): string {
  return str
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:)[^@/?#]*@/i, '$1*****@')
    .replace(/([?&]password=)[^&#]*/i, '$1*****');
}

/** Parses a connection string into config keys; throws `ConfigError` with the password redacted. */
export function parseConnectionStringSafe(str: string): Record<string, unknown> {
  if (typeof str !== 'string' || str.trim() === '') {
    throw new ConfigError(
      'The connection string is empty: expected postgresql://user:password@host:port/database',
    );
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = parseConnectionUrl(str);
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(
      `The connection string is not a valid URL: ${redactConnectionString(str)} (expected postgresql://user:password@host:port/database)`,
      { cause: redactedCause(cause) },
    );
  }
  const sslmode = parsed.sslmode;
  if (typeof sslmode === 'string' && !sslModes.has(sslmode)) {
    throw new ConfigError(
      `Unknown sslmode "${sslmode}" in the connection string; expected one of ${[...sslModes].join(', ')}`,
    );
  }
  const port = parsed.port;
  if (typeof port === 'string' && port !== '' && !/^\d+$/.test(port)) {
    throw new ConfigError(`Invalid port "${port}" in the connection string`);
  }
  return parsed;
}

function redactedCause(cause: unknown): unknown {
  // URL errors carry the input (with the password) in `input`; never pass that on.
  if (cause && typeof cause === 'object' && 'input' in cause) {
    (cause as { input: unknown }).input = '*****REDACTED*****';
  }
  return cause;
}

function sslFromEnv(env: Env): ConnectionParameters['ssl'] {
  switch (env.PGSSLMODE) {
    case undefined:
    case '':
      return defaults.ssl;
    case 'disable':
      return false;
    case 'allow':
    case 'prefer':
    case 'require':
    case 'verify-ca':
    case 'verify-full':
      return true;
    case 'no-verify':
      return { rejectUnauthorized: false };
    default:
      throw new ConfigError(
        `Unknown PGSSLMODE "${env.PGSSLMODE}"; expected one of ${[...sslModes].join(', ')}`,
      );
  }
}

/** The fully resolved connection settings of one client, as pg's `ConnectionParameters`. */
export class ConnectionParameters {
  user: string | undefined;
  database: string | undefined;
  port: number;
  host: string;
  declare password: PasswordProvider | null | undefined;
  binary: boolean;
  options: string | undefined;
  ssl: boolean | SslConfig;
  sslnegotiation: 'postgres' | 'direct' | undefined;
  client_encoding: string | undefined;
  replication: string | boolean | undefined;
  isDomainSocket: boolean;
  application_name: string | undefined;
  fallback_application_name: string | undefined;
  statement_timeout: false | number;
  lock_timeout: false | number;
  idle_in_transaction_session_timeout: false | number;
  query_timeout: false | number;
  connect_timeout: number;
  keepalives?: number;
  keepalives_idle?: number;

  constructor(input?: string | ConnectionConfig, env: Env = processEnv()) {
    let config: Record<string, unknown> =
      typeof input === 'string' ? parseConnectionStringSafe(input) : { ...(input ?? {}) };
    // Keep a non-enumerable password (pg-pool hides it on `pool.options`); the spread drops it.
    if (input && typeof input === 'object' && 'password' in input) config.password = input.password;
    if (typeof config.connectionString === 'string' && config.connectionString !== '') {
      config = { ...config, ...parseConnectionStringSafe(config.connectionString) };
    }
    if (typeof config.sslmode === 'string' && !sslModes.has(config.sslmode)) {
      throw new ConfigError(
        `Unknown sslmode "${config.sslmode}"; expected one of ${[...sslModes].join(', ')}`,
      );
    }

    const val = <T>(key: string, envVar: string | false = `PG${key.toUpperCase()}`): T => {
      if (config[key]) return config[key] as T;
      const fromEnv = envVar === false ? undefined : env[envVar];
      return (fromEnv || (defaults as unknown as Record<string, unknown>)[key]) as T;
    };

    this.user = val('user');
    this.database = val('database') ?? this.user;
    const port = val<number | string>('port');
    this.port = typeof port === 'number' ? port : Number.parseInt(port, 10);
    if (!Number.isInteger(this.port) || this.port < 0 || this.port > 65535) {
      throw new ConfigError(`Invalid port ${JSON.stringify(port)}: expected an integer between 0 and 65535`);
    }
    this.host = val('host');
    // Non-enumerable so the password does not show up in logs, inspect output or JSON.
    Object.defineProperty(this, 'password', {
      configurable: true,
      enumerable: false,
      writable: true,
      value: val('password'),
    });
    this.binary = val('binary');
    this.options = val('options');

    let ssl =
      config.ssl === undefined ? sslFromEnv(env) : (config.ssl as ConnectionParameters['ssl'] | string);
    if (ssl === 'true') ssl = true;
    if (ssl === 'no-verify') ssl = { rejectUnauthorized: false };
    if (typeof ssl === 'string') {
      throw new ConfigError(
        `Invalid ssl setting "${ssl}": expected a boolean, an options object or "no-verify"`,
      );
    }
    if (config.sslmode === 'disable') ssl = false;
    if (ssl && typeof ssl === 'object' && ssl.key !== undefined) {
      Object.defineProperty(ssl, 'key', { enumerable: false });
    }
    this.ssl = ssl;

    this.sslnegotiation = val('sslnegotiation', 'PGSSLNEGOTIATION');
    if (
      this.sslnegotiation !== undefined &&
      this.sslnegotiation !== 'postgres' &&
      this.sslnegotiation !== 'direct'
    ) {
      throw new ConfigError(
        `Invalid sslnegotiation value: "${this.sslnegotiation}". Valid values are "postgres" and "direct".`,
      );
    }
    if (this.sslnegotiation === 'direct' && !this.ssl) {
      throw new ConfigError('sslnegotiation=direct requires SSL to be enabled');
    }

    this.client_encoding = val('client_encoding');
    this.replication = val('replication');
    this.isDomainSocket = (this.host || '').startsWith('/');
    this.application_name = val('application_name', 'PGAPPNAME');
    this.fallback_application_name = val('fallback_application_name', false);
    this.statement_timeout = val('statement_timeout', false);
    this.lock_timeout = val('lock_timeout', false);
    this.idle_in_transaction_session_timeout = val('idle_in_transaction_session_timeout', false);
    this.query_timeout = val('query_timeout', false);
    this.connect_timeout =
      config.connectionTimeoutMillis === undefined
        ? Number(env.PGCONNECT_TIMEOUT || 0)
        : Math.floor(Number(config.connectionTimeoutMillis) / 1000);
    if (config.keepAlive === false) this.keepalives = 0;
    else if (config.keepAlive === true) this.keepalives = 1;
    if (typeof config.keepAliveInitialDelayMillis === 'number') {
      this.keepalives_idle = Math.floor(config.keepAliveInitialDelayMillis / 1000);
    }
  }
}
