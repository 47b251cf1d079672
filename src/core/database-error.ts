/**
 * Errors reported by the server are pg-protocol's `DatabaseError`, the very class pg users catch
 * (`err instanceof pg.DatabaseError`), with every ErrorResponse field.
 */
export { DatabaseError } from 'pg-protocol';
