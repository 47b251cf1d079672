/**
 * Splits the server's byte stream into whole protocol messages and checks their framing.
 *
 * Two jobs, both reasons not to hand raw chunks to pg-protocol's parser directly:
 * - Safety: pg-protocol trusts the length field, so a corrupt length makes it wait forever for
 *   bytes that never come (a hang), and a length below 4 makes it read garbage. Here unknown
 *   message codes and impossible lengths end in a `ProtocolError`.
 * - Speed: DataRow, by far the most frequent message, is decoded here straight from the bytes;
 *   only the other messages go through pg-protocol's parser, one whole frame at a time.
 */
import '../core/buffer.js';
import { ProtocolError } from '../core/errors.js';

/** Backend message codes of protocol 3.0 that pg-protocol can parse. */
const knownCodes = new Set(
  [
    'D', // DataRow
    '1', // ParseComplete
    '2', // BindComplete
    '3', // CloseComplete
    'C', // CommandComplete
    'Z', // ReadyForQuery
    'n', // NoData
    'A', // NotificationResponse
    'R', // Authentication*
    'S', // ParameterStatus
    'K', // BackendKeyData
    'E', // ErrorResponse
    'N', // NoticeResponse
    'T', // RowDescription
    't', // ParameterDescription
    's', // PortalSuspended
    'W', // CopyBothResponse
    'I', // EmptyQueryResponse
    'G', // CopyInResponse
    'H', // CopyOutResponse
    'c', // CopyDone
    'd', // CopyData
  ].map((c) => c.charCodeAt(0)),
);

export const DATA_ROW = 0x44;
export const COPY_DATA = 0x64;
const ERROR_RESPONSE = 0x45;
const NOTICE_RESPONSE = 0x4e;

/** Default cap on one message: a DataRow holding a 1 GB field is Postgres' own limit. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024 + 1024;

/** Receives one whole message: its code and `buffer[start, end)`, the frame including its header. */
export type FrameHandler = (code: number, buffer: Buffer, start: number, end: number) => void;

const empty = Buffer.alloc(0);

export class Framer {
  /** Unconsumed bytes live in buffer[offset, offset + length). */
  private buffer: Buffer = empty;
  private offset = 0;
  private length = 0;
  /** Whether `buffer` is our own allocation (writable) rather than a chunk from the transport. */
  private ownsBuffer = false;

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** True while the stream stops in the middle of a message. */
  get midMessage(): boolean {
    return this.length > 0;
  }

  /** Appends `chunk` and hands every complete message to `onFrame`, in order. */
  push(chunk: Buffer, onFrame: FrameHandler): void {
    this.append(chunk);
    const buffer = this.buffer;
    let offset = this.offset;
    const end = offset + this.length;
    while (end - offset >= 5) {
      const code = buffer[offset];
      const length = buffer.readUInt32BE(offset + 1);
      if (!knownCodes.has(code)) {
        throw new ProtocolError(
          `Received an unknown message type 0x${code.toString(16).padStart(2, '0')} from the server`,
        );
      }
      if (length < 4 || length > this.maxMessageBytes) {
        throw new ProtocolError(
          `Received a '${String.fromCharCode(code)}' message with an impossible length of ${length} bytes`,
        );
      }
      const frameEnd = offset + 1 + length;
      if (frameEnd > end) break;
      if (code === ERROR_RESPONSE || code === NOTICE_RESPONSE) checkFieldList(buffer, offset + 5, frameEnd);
      // Advance first: a handler that throws must not see this frame again.
      this.offset = frameEnd;
      this.length = end - frameEnd;
      onFrame(code, buffer, offset, frameEnd);
      offset = frameEnd;
    }
    if (this.length === 0) {
      this.buffer = empty;
      this.offset = 0;
    }
  }

  private append(chunk: Buffer): void {
    if (this.length === 0) {
      // The common case: no partial message pending, parse the chunk in place.
      this.buffer = chunk;
      this.ownsBuffer = false;
      this.offset = 0;
      this.length = chunk.length;
      return;
    }
    const needed = this.length + chunk.length;
    if (this.buffer !== empty && this.offset + needed <= this.buffer.length && this.ownsBuffer) {
      chunk.copy(this.buffer, this.offset + this.length);
      this.length = needed;
      return;
    }
    // Grow by doubling so a large message arriving in many chunks costs O(n), not O(n²).
    let size = Math.max(needed, 16 * 1024);
    if (this.ownsBuffer) size = Math.max(size, this.buffer.length * 2);
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, this.offset, this.offset + this.length);
    chunk.copy(grown, this.length);
    this.buffer = grown;
    this.ownsBuffer = true;
    this.offset = 0;
    this.length = needed;
  }
}

/**
 * ErrorResponse/NoticeResponse bodies are (type byte, C string)… ended by a zero byte.
 * pg-protocol's reader loops forever on one whose terminator is missing, so check it first.
 */
function checkFieldList(buffer: Buffer, start: number, end: number): void {
  let pos = start;
  for (;;) {
    if (pos >= end) throw new ProtocolError('Received an error or notice message with no terminator');
    if (buffer[pos++] === 0) return;
    const nul = buffer.indexOf(0, pos);
    if (nul === -1 || nul >= end)
      throw new ProtocolError('Received an error or notice field that overruns its message');
    pos = nul + 1;
  }
}

/**
 * DataRow: int16 column count, then per column an int32 length (-1 for NULL) and the bytes.
 * Decoded to the same `{ name, length, fieldCount, fields }` shape pg-protocol produces.
 */
export function decodeDataRow(buffer: Buffer, start: number, end: number): DataRow {
  let pos = start + 5;
  if (pos + 2 > end) throw new ProtocolError('Received a truncated DataRow message');
  const fieldCount = buffer.readInt16BE(pos);
  pos += 2;
  const fields: (string | null)[] = new Array(fieldCount);
  for (let i = 0; i < fieldCount; i++) {
    if (pos + 4 > end) throw new ProtocolError('Received a truncated DataRow message');
    const length = buffer.readInt32BE(pos);
    pos += 4;
    if (length === -1) {
      fields[i] = null;
      continue;
    }
    if (length < 0 || pos + length > end)
      throw new ProtocolError('Received a DataRow whose fields overrun it');
    fields[i] = utf8(buffer, pos, pos + length);
    pos += length;
  }
  return { name: 'dataRow', length: end - start - 1, fieldCount, fields };
}

/**
 * CopyData: the body is the payload. A view into the received bytes, valid until the consumer
 * returns (COPY operations copy what they keep), in pg-protocol's `{ name, length, chunk }` shape.
 */
export function decodeCopyData(buffer: Buffer, start: number, end: number): CopyData {
  return { name: 'copyData', length: end - start - 1, chunk: buffer.subarray(start + 5, end) };
}

export interface CopyData {
  name: 'copyData';
  length: number;
  chunk: Buffer;
}

export interface DataRow {
  name: 'dataRow';
  length: number;
  fieldCount: number;
  fields: (string | null)[];
}

// Node's Buffer has a direct UTF-8 slice that skips toString()'s argument checks; the `buffer`
// polyfill used on edge runtimes does not, so fall back to toString there.
const utf8: (buffer: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as { utf8Slice?: unknown }).utf8Slice === 'function'
    ? (buffer, start, end) =>
        (buffer as Buffer & { utf8Slice(s: number, e: number): string }).utf8Slice(start, end)
    : (buffer, start, end) => buffer.toString('utf8', start, end);
