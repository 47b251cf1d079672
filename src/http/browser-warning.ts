/**
 * The one-line warning printed when a query runs in a browser, where the connection string (and
 * so the database password) is visible to users. Like Neon, it is printed for every query unless
 * `disableWarningInBrowsers` is set on `neon()` or on `neonConfig`.
 */
export function warnIfBrowser(): void {
  if (typeof window !== 'undefined' && typeof document !== 'undefined' && typeof console !== 'undefined') {
    console.warn(
      'edgepg: SQL sent from a browser exposes the database credentials to its users (set disableWarningInBrowsers to hide this)',
    );
  }
}
