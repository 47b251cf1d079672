/**
 * `NeonDbError`: what every failure of an HTTP query surfaces as, shaped exactly like
 * `@neondatabase/serverless` 1.2.0's class so code that catches it keeps working:
 *
 * - `extends Error` (not pg's `DatabaseError`), `name` is the own property `'NeonDbError'`;
 * - the 16 Postgres error fields of `errorFields`, then `sourceError`, are own enumerable
 *   properties, `undefined` when absent (never `null`);
 * - `Error.captureStackTrace` is used where it exists.
 *
 * One addition: `instanceof` also holds across the ESM and CJS copies of edgepg (a `Symbol.for`
 * brand, as our other errors do), because an ORM may `require` us while the app `import`s us.
 */

/** The Postgres error fields copied from an HTTP 400 response, in Neon's order. */
export const errorFields = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

export type ErrorField = (typeof errorFields)[number];

const brand = Symbol.for('edgepg.NeonDbError');

export class NeonDbError extends Error {
  // Own enumerable properties in this order (as Neon's class fields define them): `name`, the 16
  // fields, `sourceError` — assigned in the constructor from `errorFields` rather than declared
  // one by one, which would spell every name out a second time in the bundle.
  declare name: 'NeonDbError';
  declare severity: string | undefined;
  declare code: string | undefined;
  declare detail: string | undefined;
  declare hint: string | undefined;
  declare position: string | undefined;
  declare internalPosition: string | undefined;
  declare internalQuery: string | undefined;
  declare where: string | undefined;
  declare schema: string | undefined;
  declare table: string | undefined;
  declare column: string | undefined;
  declare dataType: string | undefined;
  declare constraint: string | undefined;
  declare file: string | undefined;
  declare line: string | undefined;
  declare routine: string | undefined;
  /** The error that caused this one (the `fetch` rejection, a bad response body, …). */
  declare sourceError: Error | undefined;

  constructor(message: string) {
    super(message);
    const self = this as unknown as Record<string, unknown>;
    for (const key of ['name', ...errorFields, 'sourceError']) self[key] = undefined;
    this.name = 'NeonDbError';
    Object.defineProperty(this, brand, { value: true });
    const capture = (Error as { captureStackTrace?: (target: object, ctor: unknown) => void })
      .captureStackTrace;
    if (typeof capture === 'function') capture(this, NeonDbError);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // A subclass is tested the usual way; NeonDbError itself by brand, so it works across copies.
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class being tested against
    if (this !== NeonDbError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [brand]?: boolean })[brand] === true;
  }
}

/** A `NeonDbError` wrapping another failure, which it keeps as `sourceError`. */
export function wrapError(message: string, source: unknown): NeonDbError {
  const error = new NeonDbError(message);
  error.sourceError = source as Error;
  return error;
}
