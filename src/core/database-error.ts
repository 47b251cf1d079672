/**
 * Errors reported by the server are pg-protocol's `DatabaseError`, the class pg users catch
 * (`err instanceof pg.DatabaseError`), with every ErrorResponse field. The build bundles it and
 * shares one copy per realm between our ESM and CJS builds (tsup.config.ts).
 */
export { DatabaseError } from 'pg-protocol';
