/**
 * SQL escaping with the exact output of pg's `escapeIdentifier` / `escapeLiteral`, which follow
 * libpq's `PQescapeIdentifier` / `PQescapeLiteral`.
 */

/** Quotes an identifier: `my"table` → `"my""table"`. */
export function escapeIdentifier(str: string): string {
  return `"${str.replace(/"/g, '""')}"`;
}

/**
 * Quotes a string literal. Quotes and backslashes are doubled; when a backslash is present the
 * literal gets libpq's ` E'…'` prefix (with the leading space) so it means the same whatever
 * `standard_conforming_strings` is. Like pg, anything that is not a string gives `''`.
 */
export function escapeLiteral(str: unknown): string {
  if (typeof str !== 'string') return "''";
  let hasBackslash = false;
  let escaped = "'";
  for (const c of str) {
    if (c === "'") {
      escaped += "''";
    } else if (c === '\\') {
      escaped += '\\\\';
      hasBackslash = true;
    } else {
      escaped += c;
    }
  }
  escaped += "'";
  return hasBackslash ? ` E${escaped}` : escaped;
}
