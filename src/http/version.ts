/**
 * The `application_name` the HTTP path appends to `Neon-Connection-String` (unless the connection
 * string has one), a package URL as Neon's own (`pkg:npm/%40neondatabase/serverless@1.2.0`).
 * Keep the version in step with package.json (a test checks it).
 */
export const DRIVER_APPLICATION_NAME = 'pkg:npm/edgepg@1.0.0';
