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
  // Class fields: own enumerable properties defined in this order right after `super()`.
  override name = 'NeonDbError' as const;
  severity: string | undefined;
  code: string | undefined;
  detail: string | undefined;
  hint: string | undefined;
  position: string | undefined;
  internalPosition: string | undefined;
  internalQuery: string | undefined;
  where: string | undefined;
  schema: string | undefined;
  table: string | undefined;
  column: string | undefined;
  dataType: string | undefined;
  constraint: string | undefined;
  file: string | undefined;
  line: string | undefined;
  routine: string | undefined;
  /** The error that caused this one (the `fetch` rejection, a bad response body, …). */
  sourceError: Error | undefined;

  constructor(message: string) {
    super(message);
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
