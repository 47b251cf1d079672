/** The shared value core: values in, values out, errors, configuration. No I/O. */
import './buffer.js';

export type { ConnectionConfig, PasswordProvider, SslConfig } from './connection-parameters.js';
export {
  ConnectionParameters,
  parseConnectionStringSafe,
  redactConnectionString,
} from './connection-parameters.js';
export { DatabaseError } from './database-error.js';
export type { Defaults } from './defaults.js';
export { defaults } from './defaults.js';
export type { EdgePgErrorCode } from './errors.js';
export {
  AbortError,
  AuthError,
  ConfigError,
  ConnectionError,
  EdgePgError,
  ParameterError,
  ProtocolError,
  TimeoutError,
  UsageError,
} from './errors.js';
export { escapeIdentifier, escapeLiteral } from './escape.js';
export type { PreparedValue, ToPostgres } from './prepare-value.js';
export { dateToString, dateToStringUTC } from './prepare-value.js';
export type { FieldDef, QueryResultRow } from './result.js';
export { Result } from './result.js';
export type {
  CustomTypesConfig,
  TypeFormat,
  TypeParser,
  TypeParserRegistry,
  TypesBuiltins,
} from './types.js';
export { TypeOverrides, types } from './types-full.js';
