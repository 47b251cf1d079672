/**
 * bytea text, in both of Postgres' output formats, giving the bytes postgres-bytea 1.0.1
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

export function parseBytea(text: string): Uint8Array {
  // The runtime's `Buffer` (Node, Bun, Deno, or the polyfill the full entry installs), if any.
  const Buffer = (globalThis as { Buffer?: BufferLike }).Buffer;
  const hex = text.startsWith('\\x');
  if (hex && Buffer) return Buffer.from(text.slice(2), 'hex');
  const bytes = hex ? decodeHex(text) : decodeEscape(text);
  return Buffer ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length) : bytes;
}

/** `\x…` without Buffer: the longest run of whole hex pairs, as Buffer reads it. */
function decodeHex(text: string): Uint8Array {
  const pairs = (/^(?:[\da-f]{2})*/i.exec(text.slice(2)) as RegExpExecArray)[0];
  const out = new Uint8Array(pairs.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(pairs.substr(2 * i, 2), 16);
  return out;
}

function decodeEscape(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  let n = 0;
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '\\') {
      // The low byte of the code, as Uint8Array stores it.
      out[n++] = text.charCodeAt(i++);
    } else if (/^[0-7]{3}$/.test(text.substr(i + 1, 3))) {
      out[n++] = Number.parseInt(text.substr(i + 1, 3), 8);
      i += 4;
    } else if (text[i + 1] === '\\') {
      out[n++] = 92;
      i += 2;
    } else {
      // postgres-bytea loops forever here; Postgres never sends it.
      throw new ProtocolError(`invalid bytea escape at ${i}`);
    }
  }
  return out.subarray(0, n);
}
