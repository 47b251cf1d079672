/**
 * SASLprep (RFC 4013, a profile of stringprep RFC 3454) as PostgreSQL and `pg` apply it to SCRAM
 * passwords.
 *
 * What is done (RFC 4013 §2.1 mapping, §2.2 normalisation):
 * - RFC 3454 table C.1.2 (non-ASCII space characters) -> U+0020 SPACE;
 * - RFC 3454 table B.1 ("commonly mapped to nothing") -> removed;
 * - Unicode NFKC.
 *
 * What is deliberately not done: the prohibited-output (§2.3), bidi (§2.4) and unassigned
 * code-point checks. `pg` (since 8.21, #3669) skips them too. PostgreSQL's own `pg_saslprep()`
 * does run them, but when they fail it does not reject the password: the server (and libpq) then
 * use the raw password bytes. So a password that only those checks would reject (e.g. one that
 * contains a control or private-use character alongside non-ASCII text) is hashed differently by
 * us and by the server; such passwords are vanishingly rare, and `pg` has the same gap.
 */

// RFC 3454 tables as inclusive [from, to] code-point ranges. All lie in the BMP, so testing UTF-16
// code units is exact (surrogate halves never fall in a range).
const NON_ASCII_SPACE = [
  0x00a0, 0x00a0, 0x1680, 0x1680, 0x2000, 0x200b, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000,
]; // C.1.2
const MAPPED_TO_NOTHING = [
  0x00ad, 0x00ad, 0x034f, 0x034f, 0x1806, 0x1806, 0x180b, 0x180d, 0x200b, 0x200d, 0x2060, 0x2060, 0xfe00,
  0xfe0f, 0xfeff, 0xfeff,
]; // B.1

// With the `u` flag a well-formed surrogate pair is one code point, so this only matches lone
// surrogates: such a string has no UTF-8 form, the analogue of PostgreSQL's invalid-UTF-8 case.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

function inRanges(code: number, ranges: readonly number[]): boolean {
  for (let i = 0; i < ranges.length; i += 2) if (code >= ranges[i] && code <= ranges[i + 1]) return true;
  return false;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/**
 * Prepares a SCRAM password. Returns `null` where PostgreSQL's SASLprep fails (the mapped string
 * is empty, or the input is not valid Unicode); callers must then use the raw password, as
 * PostgreSQL does. Pure-ASCII input is returned unchanged (PostgreSQL's fast path too).
 */
export function saslprep(password: string): string | null {
  if (isAscii(password)) return password;
  if (LONE_SURROGATE.test(password)) return null;
  // Same order as PostgreSQL's pg_saslprep(): a character in both tables (U+200B ZERO WIDTH SPACE
  // is in C.1.2 and in B.1) is tested against C.1.2 first, so it becomes a space.
  let mapped = '';
  for (let i = 0; i < password.length; i++) {
    const code = password.charCodeAt(i);
    if (inRanges(code, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(code, MAPPED_TO_NOTHING)) mapped += password[i];
  }
  // PostgreSQL treats an empty result of the mapping step as a failure (raw password is used).
  if (mapped === '') return null;
  return mapped.normalize('NFKC');
}
