/**
 * `prepareValue` for code that hands values to pg-protocol's serializer (and for pg's public
 * `utils.prepareValue`): bytes must be a `Buffer` there, since pg-protocol tells binary values
 * from text with `Buffer.isBuffer`. The value core itself returns any `Uint8Array` so that the
 * HTTP entry needs no `Buffer`; this is the one place the full entry turns them into Buffers.
 */
import '../core/buffer.js';
import { prepareValueFor } from '../core/prepare-value.js';

/** pg's `prepareValue` result: text, a Buffer, or null. */
export function prepareWireValue(value: unknown): string | Buffer | null {
  const prepared = prepareValueFor(value, prepareWireValue);
  if (prepared === null || typeof prepared === 'string' || Buffer.isBuffer(prepared)) return prepared;
  return Buffer.from(prepared.buffer, prepared.byteOffset, prepared.byteLength);
}
