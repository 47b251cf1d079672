/**
 * pg's `defaults`: mutable, read when a client is configured and (for `parseInputDatesAsUTC`)
 * on every parameter serialisation. Kept as one shared object so code that sets
 * `pg.defaults.x = …` works the same with edgepg.
 */
import { envVar } from './env.js';
import { dateToStringUTC, readDateSettingsFrom } from './prepare-value.js';
import { realmSingleton } from './realm-singleton.js';
import { type CustomTypesConfig, type TypeParser, types } from './types.js';

export interface Defaults {
  host: string;
  user: string | undefined;
  database: string | undefined;
  password: string | null;
  connectionString: string | undefined;
  port: number;
  rows: number;
  binary: boolean;
  max: number;
  idleTimeoutMillis: number;
  client_encoding: string;
  ssl: boolean;
  sslnegotiation: string | undefined;
  application_name: string | undefined;
  fallback_application_name: string | undefined;
  options: string | undefined;
  parseInputDatesAsUTC: boolean;
  statement_timeout: false | number;
  lock_timeout: false | number;
  idle_in_transaction_session_timeout: false | number;
  query_timeout: false | number;
  connect_timeout: number;
  keepalives: number;
  keepalives_idle: number;
  /** Write-only, as in pg: `true` parses int8 (and int8[]) as numbers, globally. */
  parseInt8: boolean;
}

function envUser(): string | undefined {
  const windows = typeof process !== 'undefined' && process.platform === 'win32';
  return envVar(windows ? 'USERNAME' : 'USER');
}

// The registry's types name OIDs as an enum that lacks the array OIDs; it takes any number.
const registry = types as unknown as CustomTypesConfig & {
  setTypeParser(oid: number, format: 'text', parser: TypeParser): void;
};
// Remember the default int8 parsers (pg-types') so `parseInt8 = false` can restore them.
const parseBigInteger = registry.getTypeParser(20, 'text');
const parseBigIntegerArray = registry.getTypeParser(1016, 'text');

const values: Omit<Defaults, 'parseInt8'> = {
  host: 'localhost',
  user: envUser(),
  database: undefined,
  password: null,
  connectionString: undefined,
  port: 5432,
  rows: 0,
  binary: false,
  max: 10,
  idleTimeoutMillis: 30000,
  client_encoding: '',
  ssl: false,
  sslnegotiation: undefined,
  application_name: undefined,
  fallback_application_name: undefined,
  options: undefined,
  parseInputDatesAsUTC: false,
  statement_timeout: false,
  lock_timeout: false,
  idle_in_transaction_session_timeout: false,
  query_timeout: false,
  connect_timeout: 0,
  keepalives: 1,
  keepalives_idle: 0,
};

// pg defines `parseInt8` as a setter only, so reading it gives undefined; we keep that.
Object.defineProperty(values, 'parseInt8', {
  enumerable: true,
  configurable: true,
  set(on: boolean) {
    registry.setTypeParser(20, 'text', on ? registry.getTypeParser(23, 'text') : parseBigInteger);
    registry.setTypeParser(1016, 'text', on ? registry.getTypeParser(1007, 'text') : parseBigIntegerArray);
  },
});

// Shared by the ESM and CJS copies (see realm-singleton.ts), as pg's one mutable object is.
export const defaults = /* @__PURE__ */ realmSingleton('defaults', () => values as Defaults);
readDateSettingsFrom(defaults, dateToStringUTC);
