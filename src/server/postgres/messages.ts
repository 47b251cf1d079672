/**
 * The few Postgres protocol messages the server side builds or reads itself (PostgreSQL docs,
 * "Message Formats"). Everything else passes through as opaque bytes.
 */

/** Request codes in the second int32 of a length-prefixed startup-phase packet. */
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;
/** Protocol 3.0; minor versions live in the low 16 bits. */
export const PROTOCOL_3_0 = 196608;

/** Postgres' own limit (MAX_STARTUP_PACKET_LENGTH); longer packets are refused. */
export const MAX_STARTUP_PACKET_BYTES = 10_000;

/** The one-byte answer to SSLRequest and GSSENCRequest: "not supported, go on in plain text". */
export const REFUSE_ENCRYPTION = Buffer.from('N');

/** AuthenticationCleartextPassword: 'R', length 8, code 3. */
export const AUTHENTICATION_CLEARTEXT_PASSWORD = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]);

export interface ErrorFields {
  severity: 'FATAL' | 'ERROR';
  /** SQLSTATE. */
  code: string;
  message: string;
  detail?: string;
  hint?: string;
}

/** An ErrorResponse with the fields Postgres itself always sends (S, V, C, M) plus optional D/H. */
export function errorResponse(fields: ErrorFields): Buffer {
  const parts: [string, string][] = [
    ['S', fields.severity],
    ['V', fields.severity],
    ['C', fields.code],
    ['M', fields.message],
  ];
  if (fields.detail !== undefined) parts.push(['D', fields.detail]);
  if (fields.hint !== undefined) parts.push(['H', fields.hint]);
  let size = 4 + 1; // length + final terminator
  const encoded = parts.map(([type, value]) => {
    const bytes = Buffer.from(value, 'utf8');
    size += 1 + bytes.length + 1;
    return [type, bytes] as const;
  });
  const out = Buffer.allocUnsafe(1 + size);
  out[0] = 0x45; // 'E'
  out.writeInt32BE(size, 1);
  let at = 5;
  for (const [type, bytes] of encoded) {
    out[at++] = type.charCodeAt(0);
    bytes.copy(out, at);
    at += bytes.length;
    out[at++] = 0;
  }
  out[at] = 0;
  return out;
}

/**
 * A StartupMessage for the given protocol version. pg-protocol's serializer always writes 3.0;
 * we pass the client's own version through so that Postgres, not us, negotiates minor versions.
 */
export function startupMessage(version: number, parameters: Record<string, string>): Buffer {
  const pieces: Buffer[] = [];
  let size = 4 + 4 + 1;
  for (const [name, value] of Object.entries(parameters)) {
    const entry = Buffer.from(`${name}\0${value}\0`, 'utf8');
    pieces.push(entry);
    size += entry.length;
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(size, 0);
  out.writeInt32BE(version, 4);
  let at = 8;
  for (const piece of pieces) {
    piece.copy(out, at);
    at += piece.length;
  }
  out[at] = 0;
  return out;
}

/** Reads NUL-terminated strings from `bytes` until an empty one (or the end). */
export function readCStrings(bytes: Buffer, start = 0): string[] {
  const out: string[] = [];
  let at = start;
  while (at < bytes.length) {
    const end = bytes.indexOf(0, at);
    if (end === -1 || end === at) break;
    out.push(bytes.toString('utf8', at, end));
    at = end + 1;
  }
  return out;
}

/** Reads the fields of an ErrorResponse or NoticeResponse body (after type and length). */
export function readErrorFields(body: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const type = String.fromCharCode(body[at]);
    const end = body.indexOf(0, at + 1);
    if (end === -1) break;
    fields.set(type, body.toString('utf8', at + 1, end));
    at = end + 1;
  }
  return fields;
}
