/**
 * The frontend messages of one extended-protocol query — Bind, Describe (portal), Execute, Sync,
 * after a (cached) Parse — serialised into ONE buffer, sized exactly, with no intermediate
 * writers. This is the per-query hot path of pipelining: 10,000 queries in flight means 10,000
 * of these, so it is worth not going through pg-protocol's general-purpose serializer here (it is
 * still used for everything else). Layouts: PostgreSQL protocol docs, "Message Formats".
 */
import '../core/buffer.js';
import type { PreparedValue } from '../core/prepare-value.js';

// Describe('P', '') + Execute('', 0 rows) + Sync: identical for every unnamed-portal query.
const TAIL = Buffer.from([
  0x44,
  0,
  0,
  0,
  6,
  0x50,
  0, // Describe: portal, name ''
  0x45,
  0,
  0,
  0,
  9,
  0,
  0,
  0,
  0,
  0, // Execute: portal '', max rows 0 (all)
  0x53,
  0,
  0,
  0,
  4, // Sync
]);

// Execute + Sync alone: for a statement whose RowDescription is already known (statement cache).
const TAIL_NO_DESCRIBE = TAIL.subarray(7);

/**
 * Parse (already serialised, possibly empty when the statement is cached) + Bind + TAIL.
 * `statement` is the prepared statement's name ('' for the unnamed one). Parameters are
 * prepared values: text, bytes (sent with format 1, binary) or null. `describe: false` leaves
 * out the Describe (portal), for a statement whose result columns are known already.
 */
export function extendedQuery(
  parse: Uint8Array | undefined,
  statement: string,
  params: readonly PreparedValue[],
  describe = true,
): Buffer {
  const tail = describe ? TAIL : TAIL_NO_DESCRIBE;
  const count = params.length;
  const statementBytes = statement === '' ? 0 : Buffer.byteLength(statement);
  let hasBinary = false;
  // Bind body: portal '\0', statement + '\0', int16 formats count, formats, int16 values count,
  // per value int32 length + bytes, int16 result formats count (1), int16 result format (text).
  let bindLength = 4 + 1 + statementBytes + 1 + 2 + 2 + 2 + 2;
  const lengths = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const value = params[i];
    let length: number;
    if (value === null) {
      length = -1;
    } else if (typeof value === 'string') {
      length = Buffer.byteLength(value);
    } else {
      length = value.length;
      hasBinary = true;
    }
    lengths[i] = length;
    bindLength += 4 + Math.max(length, 0);
  }
  // Only list per-parameter format codes when one is binary (0 codes = all text).
  if (hasBinary) bindLength += 2 * count;

  const parseLength = parse ? parse.length : 0;
  const out = Buffer.allocUnsafe(parseLength + 1 + bindLength + tail.length);
  let pos = 0;
  if (parse) {
    out.set(parse, 0);
    pos = parseLength;
  }
  out[pos++] = 0x42; // 'B'
  out.writeInt32BE(bindLength, pos);
  pos += 4;
  out[pos++] = 0; // portal ''
  if (statementBytes > 0) pos += out.write(statement, pos, 'utf8');
  out[pos++] = 0;
  if (hasBinary) {
    out.writeInt16BE(count, pos);
    pos += 2;
    for (let i = 0; i < count; i++) {
      const value = params[i];
      out.writeInt16BE(value !== null && typeof value !== 'string' ? 1 : 0, pos);
      pos += 2;
    }
  } else {
    out.writeInt16BE(0, pos);
    pos += 2;
  }
  out.writeInt16BE(count, pos);
  pos += 2;
  for (let i = 0; i < count; i++) {
    const length = lengths[i];
    out.writeInt32BE(length, pos);
    pos += 4;
    if (length <= 0) continue;
    const value = params[i] as string | Buffer;
    if (typeof value === 'string') pos += out.write(value, pos, 'utf8');
    else {
      out.set(value, pos);
      pos += length;
    }
  }
  out.writeInt16BE(1, pos); // one result format code…
  pos += 2;
  out.writeInt16BE(0, pos); // …text, for all columns
  pos += 2;
  out.set(tail, pos);
  return out;
}
