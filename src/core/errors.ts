/**
 * One error hierarchy for everything that is not a server-reported SQL error.
 *
 * Server errors stay pg-protocol's `DatabaseError` (re-exported from `./database-error.ts`, kept
 * apart so that importing these classes does not pull pg-protocol into an HTTP-only bundle) so
 * code written for `pg` keeps working. Everything edgepg raises itself is an `EdgePgError` with a stable `code`, so
 * callers can branch on `err.code` instead of parsing messages.
 *
 * `instanceof` must work when both the ESM and the CJS build are loaded in one process (the
 * dual-package hazard): each class carries a `Symbol.for` brand and a `Symbol.hasInstance` that
 * checks the brand, so an error made by one copy is an instance of the other copy's class.
 */
/** Stable codes for errors raised by edgepg itself (not by the server). */
export type EdgePgErrorCode =
  /** Invalid configuration: connection string, options, sslmode, … */
  | 'EDGEPG_CONFIG'
  /** A value that cannot be sent as a query parameter. */
  | 'EDGEPG_PARAM'
  /** The server sent bytes that break the protocol (truncated, oversized, unexpected message). */
  | 'EDGEPG_PROTOCOL'
  /** Authentication failed on the client side (SCRAM checks, unsupported method, missing password). */
  | 'EDGEPG_AUTH'
  /** The connection could not be made or was lost. */
  | 'EDGEPG_CONNECTION'
  /** The connection was lost while COMMIT was in flight: whether it committed is unknown. */
  | 'EDGEPG_COMMIT_UNKNOWN'
  /** A client-side timeout fired (connect, query). */
  | 'EDGEPG_TIMEOUT'
  /** The operation was aborted through an AbortSignal or cancel. */
  | 'EDGEPG_ABORTED'
  /** The API was used in a way it does not support (query after end, reuse, …). */
  | 'EDGEPG_USAGE';

const brand = Symbol.for('edgepg.error');

function hasBrand(value: unknown, name: string): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const names = (value as { [brand]?: readonly string[] })[brand];
  return Array.isArray(names) && names.includes(name);
}

/** Base class of every error edgepg raises itself. */
export class EdgePgError extends Error {
  readonly code: EdgePgErrorCode;

  constructor(code: EdgePgErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    // The brand lists the class names along the prototype chain, so subclass checks work across copies.
    const names: string[] = [];
    for (let proto = Object.getPrototypeOf(this); proto && proto !== Error.prototype; ) {
      names.push(proto.constructor.name);
      proto = Object.getPrototypeOf(proto);
    }
    Object.defineProperty(this, brand, { value: names, enumerable: false });
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, writable: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass being tested against
    return hasBrand(value, this.name);
  }
}

/** Bad configuration: connection strings, option values, sslmode, … */
export class ConfigError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_CONFIG', message, options);
  }
}

/** A query parameter that cannot be serialised. */
export class ParameterError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_PARAM', message, options);
  }
}

/** The server's bytes break the wire protocol. */
export class ProtocolError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_PROTOCOL', message, options);
  }
}

/** Client-side authentication failure (the server's own 28P01 stays a DatabaseError). */
export class AuthError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_AUTH', message, options);
  }
}

/** The connection could not be established or was lost. */
export class ConnectionError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_CONNECTION', message, options);
  }
}

/** A client-side timeout fired. */
export class TimeoutError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_TIMEOUT', message, options);
  }
}

/** The operation was aborted by the caller. */
export class AbortError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_ABORTED', message, options);
  }
}

/** The API was used in a way it does not support. */
export class UsageError extends EdgePgError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EDGEPG_USAGE', message, options);
  }
}
