/** The package version `edgepg --version` prints; a test keeps it in step with package.json. */
export const VERSION = '1.0.0';
