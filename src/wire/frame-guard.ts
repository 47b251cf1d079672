/**
 * Checks the framing of the server's byte stream before pg-protocol's parser sees it.
 *
 * pg-protocol trusts the length field: a corrupt length makes it wait forever for bytes that
 * never come (a hang) and a length below 4 makes it read garbage. This guard walks the same
 * frames (1-byte code, int32 length that counts itself) across chunk boundaries and rejects
 * unknown message codes and impossible lengths, so a broken stream ends in a clear
 * `ProtocolError` instead.
 */
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

/** Default cap on one message: a DataRow holding a 1 GB field is Postgres' own limit. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024 + 1024;

export class FrameGuard {
  /** Bytes of the current message body still expected (0 at a frame boundary). */
  private remaining = 0;
  /** Header bytes collected so far when a header is split across chunks. */
  private header = new Uint8Array(5);
  private headerFill = 0;

  constructor(private readonly maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES) {}

  /** True while the stream stops in the middle of a message. */
  get midMessage(): boolean {
    return this.remaining > 0 || this.headerFill > 0;
  }

  /** Validates the frames in `chunk`; throws a ProtocolError at the first bad header. */
  check(chunk: Uint8Array): void {
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, end - offset);
        this.remaining -= take;
        offset += take;
        continue;
      }
      const take = Math.min(5 - this.headerFill, end - offset);
      this.header.set(chunk.subarray(offset, offset + take), this.headerFill);
      this.headerFill += take;
      offset += take;
      if (this.headerFill < 5) break;
      this.headerFill = 0;
      const code = this.header[0];
      const length =
        ((this.header[1] << 24) | (this.header[2] << 16) | (this.header[3] << 8) | this.header[4]) >>> 0;
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
      this.remaining = length - 4;
    }
  }
}
