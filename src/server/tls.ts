/**
 * Optional TLS between clients and the local server (`startServer({ tls: { cert, key } })`,
 * `--tls-cert` / `--tls-key`). A server with TLS accepts only encrypted clients, on the one port:
 *
 * - a TLS ClientHello as the first bytes: `https:` and `wss:`, and Postgres 17's
 *   `sslnegotiation=direct` (ALPN `postgresql`);
 * - Postgres' SSLRequest, answered `S`, then the TLS handshake on the same socket (psql, pg,
 *   edgepg's `Client` over TCP with `ssl`).
 *
 * Whatever arrives inside the TLS session is routed again by its first byte, as a plain
 * connection would be. Pure helpers plus one thin wrapper around `node:tls`.
 */
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { ConfigError } from '../core/errors.js';
import { GSSENC_REQUEST_CODE, SSL_REQUEST_CODE } from './postgres/messages.js';

export interface TlsOptions {
  /** The server's certificate chain, PEM (the file's contents, not its path). */
  cert: string | Uint8Array;
  /** Its private key, PEM, unencrypted. */
  key: string | Uint8Array;
}

/** The answer to an SSLRequest that we accept (protocol.sgml, "SSL Session Encryption"). */
export const SSL_ACCEPTED = Buffer.from('S');
/** The answer to a GSSENCRequest: not supported, go on unencrypted (or ask for SSL next). */
export const GSSENC_REFUSED = Buffer.from('N');

/**
 * Offered in the handshake. `postgresql` is what libpq 17 requires for direct TLS; HTTP clients
 * offer `http/1.1` (or nothing). Clients that offer neither are refused by the handshake.
 */
const ALPN_PROTOCOLS = ['http/1.1', 'postgresql'];

/** What the first bytes of a connection (plain, or decrypted) say it is. */
export type FirstBytes = 'tls' | 'ssl-request' | 'gssenc-request' | 'postgres' | 'http';

export function classifyFirstBytes(first: Uint8Array): FirstBytes {
  // A TLS record of type handshake (22) starts every ClientHello.
  if (first[0] === 0x16) return 'tls';
  // A startup-phase packet starts with its int32 length, whose top byte is 0 (HTTP: a method name).
  if (first[0] !== 0) return 'http';
  if (first.length >= 8 && readInt32(first, 0) === 8) {
    const code = readInt32(first, 4);
    if (code === SSL_REQUEST_CODE) return 'ssl-request';
    if (code === GSSENC_REQUEST_CODE) return 'gssenc-request';
  }
  return 'postgres';
}

function readInt32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

/**
 * The certificate and key as a context for every handshake. Only the context is kept: the
 * resolved server configuration never holds the key's text.
 */
export function tlsContext(options: TlsOptions | undefined): SecureContext | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('tls must be an object: { cert, key } with PEM text');
  }
  for (const name of ['cert', 'key'] as const) {
    const value = options[name];
    const text = typeof value === 'string' || value instanceof Uint8Array;
    if (!text || value.length === 0) {
      throw new ConfigError(`tls.${name} must be PEM text (a string or bytes), not a file name`);
    }
  }
  const pem = (value: string | Uint8Array) => (typeof value === 'string' ? value : Buffer.from(value));
  try {
    return createSecureContext({ cert: pem(options.cert), key: pem(options.key) });
  } catch (error) {
    // OpenSSL's reason ("no start line", "key values mismatch"); it never quotes the key.
    throw new ConfigError(`tls: could not load the certificate and key: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Starts the server side of a TLS session on `socket`. `head` holds bytes already read from it
 * (the ClientHello that told us this is TLS): they are handed to TLS before the rest of the socket.
 */
export function acceptTls(socket: Socket, context: SecureContext, head?: Buffer): TLSSocket {
  const carrier = head === undefined ? socket : replaying(socket, head);
  const secure = new TLSSocket(carrier as Socket, {
    isServer: true,
    secureContext: context,
    ALPNProtocols: ALPN_PROTOCOLS,
  });
  // Handshake failures (an untrusting client's alert, garbage) end in 'close'; the caller logs.
  secure.on('error', () => secure.destroy());
  return secure;
}

/**
 * `socket` with `head` put back in front of it. Node's TLSSocket reads a net.Socket's handle
 * directly and would skip bytes unshifted into its JavaScript buffer, so TLS reads this stream
 * instead.
 */
function replaying(socket: Socket, head: Buffer): Duplex {
  const stream = new Duplex({
    read: () => {
      socket.resume();
    },
    write: (chunk: Buffer, _encoding, done) => {
      socket.write(chunk, (error) => done(error ?? null));
    },
    final: (done) => {
      socket.end();
      done();
    },
    destroy: (error, done) => {
      socket.destroy();
      done(error);
    },
  });
  stream.push(head);
  socket.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on('end', () => stream.push(null));
  socket.on('close', () => stream.destroy());
  socket.resume();
  return stream;
}
