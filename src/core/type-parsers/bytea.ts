/**
 * bytea text, in both of Postgres' output formats, giving the bytes postgres-bytea 1.0.0
 * (pg-types 2.2.0's parser) gives: a `Buffer` where the runtime has one, else a `Uint8Array`
 * holding the same bytes, so this path never needs the Buffer polyfill.
 * - hex (`\x0a1b…`, the default since Postgres 9.0): pairs of hex digits up to the first pair
 *   that is not one (an odd last digit is dropped), as Node's `Buffer.from(text, 'hex')` reads;
 * - escape (`bytea_output = escape`): `\ooo` is the byte of that octal number (its low 8 bits),
 *   `\\` is a backslash, any other character is the low byte of its code.
 */
import { ProtocolError } from '../errors.js';

interface BufferLike {
  from(bytes: ArrayBufferLike, offset: number, length: number): Uint8Array;
  from(text: string, encoding: 'hex'): Uint8Array;
}

/** The runtime's `Buffer` (Node, Bun, Deno, or the polyfill the full entry installs), if any. */
function runtimeBuffer(): BufferLike | undefined {
  return (globalThis as { Buffer?: BufferLike }).Buffer;
}

export function parseBytea(text: string): Uint8Array {
  const Buffer = runtimeBuffer();
  if (text.startsWith('\\x')) {
    if (Buffer) return Buffer.from(text.slice(2), 'hex');
    return decodeHex(text, 2);
  }
  const bytes = decodeEscape(text);
  return Buffer ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) : bytes;
}

/** Hex digit value, or -1. */
function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 32;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

export function decodeHex(text: string, from: number): Uint8Array {
  const out = new Uint8Array((text.length - from) >> 1);
  let n = 0;
  for (let i = from; i + 1 < text.length; i += 2) {
    const high = hexValue(text.charCodeAt(i));
    const low = hexValue(text.charCodeAt(i + 1));
    if (high < 0 || low < 0) break;
    out[n++] = (high << 4) | low;
  }
  return n === out.length ? out : out.subarray(0, n);
}

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

function decodeEscape(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 92 /* \ */) {
      out[n++] = c;
      i++;
    } else if (
      isOctal(text.charCodeAt(i + 1)) &&
      isOctal(text.charCodeAt(i + 2)) &&
      isOctal(text.charCodeAt(i + 3))
    ) {
      out[n++] = Number.parseInt(text.slice(i + 1, i + 4), 8);
      i += 4;
    } else if (text.charCodeAt(i + 1) === 92) {
      out[n++] = 92;
      i += 2;
    } else {
      // postgres-bytea loops forever here; Postgres never sends it.
      throw new ProtocolError(`invalid bytea escape at ${i}`);
    }
  }
  return out.subarray(0, n);
}
