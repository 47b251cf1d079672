/**
 * MD5 (RFC 1321) in plain JS, for `AuthenticationMD5Password`.
 *
 * WebCrypto has no MD5: `crypto.subtle.digest('MD5')` exists only on Cloudflare workerd, and Node
 * and browsers reject it (`NotSupportedError`). Passwords are tiny, so a straightforward
 * implementation is plenty fast.
 */

import { AuthError } from '../../core/errors.js';

// Per-round left-rotation amounts (RFC 1321 §3.4), 4 per round.
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

// T[i] = floor(2^32 * |sin(i + 1)|) (RFC 1321 §3.4), hard-coded because Math.sin's precision is
// implementation-defined.
const T = new Int32Array([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
  0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
  0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
  0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
  0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
  0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
  0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
  0xeb86d391,
]);

/** MD5 digest of `data` (16 bytes). */
export function md5(data: Uint8Array): Uint8Array {
  const length = data.length;
  // Padding (§3.1-3.2): 0x80, zeros, then the bit length as a 64-bit little-endian integer,
  // so the message fills a whole number of 64-byte blocks.
  const words = new Uint32Array((((length + 8) >>> 6) + 1) * 16);
  for (let i = 0; i < length; i++) words[i >> 2] |= data[i] << ((i & 3) * 8);
  words[length >> 2] |= 0x80 << ((length & 3) * 8);
  words[words.length - 2] = (length * 8) >>> 0;
  words[words.length - 1] = Math.floor(length / 0x20000000);

  let a0 = 0x67452301;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476;
  for (let block = 0; block < words.length; block += 16) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d); // F
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c); // G
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d; // H
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d); // I
        g = (7 * i) & 15;
      }
      const sum = (a + f + T[i] + words[block + g]) | 0;
      const shift = SHIFTS[((i >> 4) << 2) | (i & 3)];
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << shift) | (sum >>> (32 - shift)))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }

  const out = new Uint8Array(16);
  const state = [a0, b0, c0, d0];
  for (let i = 0; i < 16; i++) out[i] = state[i >> 2] >>> ((i & 3) * 8);
  return out;
}

/** MD5 digest of `data` as 32 lowercase hex digits. */
export function md5Hex(data: Uint8Array): string {
  let hex = '';
  for (const byte of md5(data)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

const encoder = new TextEncoder();

/**
 * The PasswordMessage payload for `AuthenticationMD5Password`:
 * `'md5' + md5hex(md5hex(password + user) + salt)`, where the inner digest is used as its 32 ASCII
 * hex characters followed by the 4 raw salt bytes. Strings are UTF-8, like pg and libpq.
 */
export function md5PasswordMessage(user: string, password: string, salt: Uint8Array): string {
  // Untyped callers may pass a missing password; say so instead of hashing "undefined".
  if (typeof password !== 'string') {
    throw new AuthError('MD5 authentication: client password must be a string (no password was provided)');
  }
  if (salt.length !== 4) throw new AuthError(`MD5 authentication: salt must be 4 bytes, got ${salt.length}`);
  const inner = md5Hex(concat(encoder.encode(password), encoder.encode(user)));
  return `md5${md5Hex(concat(encoder.encode(inner), salt))}`;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
