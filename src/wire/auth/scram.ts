/**
 * SCRAM-SHA-256 client (RFC 5802 with RFC 7677's SHA-256) for PostgreSQL's SASL authentication,
 * built on WebCrypto only so it runs unchanged in browsers, workerd, Deno, Bun and Node >= 19.
 *
 * Message flow (PostgreSQL protocol docs "SASL Authentication"), driven by the caller:
 *   AuthenticationSASL(mechanisms)   -> selectSaslMechanism(), SASLInitialResponse(clientFirstMessage())
 *   AuthenticationSASLContinue(data) -> SASLResponse(await clientFinalMessage(data))
 *   AuthenticationSASLFinal(data)    -> verifyServerFinal(data), then AuthenticationOk follows.
 *
 * No channel binding (SCRAM-SHA-256-PLUS): `tls-server-end-point` needs the server's TLS
 * certificate, which browsers, fetch and WebSocket never expose (and behind a WebSocket proxy the
 * TLS peer is the proxy, not Postgres). The gs2 header is therefore `n` ("client does not support
 * channel binding", RFC 5802 §7), which PostgreSQL accepts unless channel_binding is required.
 *
 * Error messages keep pg's `SASL: SCRAM-SERVER-…-MESSAGE:` prefixes so code matching them still works.
 */
import { AuthError, ConfigError } from '../../core/errors.js';
import { fromBase64, isBase64, toBase64 } from './base64.js';
import { saslprep } from './saslprep.js';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

/** The WebCrypto surface used; defaults to `globalThis.crypto`. */
export type ScramCrypto = Pick<Crypto, 'subtle' | 'getRandomValues'>;

export interface ScramClientOptions {
  password: string;
  /** Refuse server iteration counts above this (pg's `scramMaxIterations`); default 100000, 0 = no cap. */
  maxIterations?: number;
  /** Fixed client nonce, for tests only; by default 18 random bytes in base64. */
  nonce?: string;
  /** @internal The client-first `n=` user, for RFC test vectors; PostgreSQL ignores it, so `*`. */
  username?: string;
  /** WebCrypto implementation; defaults to `globalThis.crypto`. */
  crypto?: ScramCrypto;
}

export interface ScramClient {
  readonly mechanism: typeof SCRAM_SHA_256;
  /** client-first-message (RFC 5802 §7), sent in SASLInitialResponse. */
  clientFirstMessage(): string;
  /** Validates server-first-message and returns client-final-message, sent in SASLResponse. */
  clientFinalMessage(serverFirst: string): Promise<string>;
  /** Validates server-final-message (AuthenticationSASLFinal); throws AuthError unless the server proved the key. */
  verifyServerFinal(serverFinal: string): void;
}

export const DEFAULT_SCRAM_MAX_ITERATIONS = 100_000;

// gs2-header "n,," (no channel binding, no authzid) and its base64 for the final message's c=.
const GS2_HEADER = 'n,,';
const CHANNEL_BINDING = toBase64(new TextEncoder().encode(GS2_HEADER)); // 'biws'
const FIRST = 'SASL: SCRAM-SERVER-FIRST-MESSAGE';
const FINAL = 'SASL: SCRAM-SERVER-FINAL-MESSAGE';
const firstError = (message: string) => new AuthError(`${FIRST}: ${message}`);
const finalError = (message: string) => new AuthError(`${FINAL}: ${message}`);
const encoder = new TextEncoder();

/** Picks the mechanism to use from AuthenticationSASL's list, or throws AuthError. */
export function selectSaslMechanism(mechanisms: readonly string[]): typeof SCRAM_SHA_256 {
  if (mechanisms.includes(SCRAM_SHA_256)) return SCRAM_SHA_256;
  const offered = mechanisms.length > 0 ? mechanisms.join(', ') : '(none)';
  throw new AuthError(
    `SASL: Only mechanism(s) ${SCRAM_SHA_256} are supported; the server offered: ${offered}`,
  );
}

type State = 'initial' | 'first-sent' | 'computing' | 'final-sent' | 'done' | 'failed';

export function createScramClient(options: ScramClientOptions): ScramClient {
  const maxIterations = options.maxIterations ?? DEFAULT_SCRAM_MAX_ITERATIONS;
  if (!Number.isSafeInteger(maxIterations) || maxIterations < 0) {
    throw new ConfigError(`SCRAM maxIterations must be an integer >= 0 (0 = no cap), got ${maxIterations}`);
  }
  const webCrypto = options.crypto ?? globalThis.crypto;
  if (!webCrypto?.subtle) throw new ConfigError('SCRAM-SHA-256 needs WebCrypto (crypto.subtle)');
  const clientNonce = options.nonce ?? toBase64(webCrypto.getRandomValues(new Uint8Array(18)));
  if (!isPrintable(clientNonce)) throw new ConfigError('SCRAM nonce must be printable ASCII without ","');
  // RFC 5802 §5.1: client-first-message-bare = "n=" saslname ",r=" c-nonce.
  const clientFirstBare = `n=${saslname(options.username ?? '*')},r=${clientNonce}`;

  let state: State = 'initial';
  let expectedServerSignature = '';

  // Each step runs only in its state; any error leaves the client 'failed' (no retries).
  function step<T>(expected: State, name: string, run: () => T): T {
    if (state !== expected) throw new AuthError(`SASL: ${name}() called in state "${state}"`);
    try {
      return run();
    } catch (error) {
      state = 'failed';
      throw error;
    }
  }

  return {
    mechanism: SCRAM_SHA_256,

    clientFirstMessage: () =>
      step('initial', 'clientFirstMessage', () => {
        state = 'first-sent';
        return GS2_HEADER + clientFirstBare;
      }),

    // async, so that even a wrong-state error is a rejection rather than a synchronous throw.
    clientFinalMessage: async (serverFirst) =>
      step('first-sent', 'clientFinalMessage', async () => {
        state = 'computing';
        try {
          const password = checkPassword(options.password);
          const { nonce, salt, iterations } = parseServerFirst(serverFirst, clientNonce, maxIterations);
          const clientFinalWithoutProof = `c=${CHANNEL_BINDING},r=${nonce}`;
          // RFC 5802 §3: AuthMessage = client-first-message-bare + "," + server-first-message + ","
          // + client-final-message-without-proof.
          const authMessage = encoder.encode(`${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`);
          // PostgreSQL hashes the SASLprep'd password, or the raw one where SASLprep fails.
          const passwordBytes = encoder.encode(saslprep(password) ?? password);
          const keys = await computeKeys(webCrypto.subtle, passwordBytes, salt, iterations, authMessage);
          expectedServerSignature = toBase64(keys.serverSignature);
          state = 'final-sent';
          return `${clientFinalWithoutProof},p=${toBase64(keys.clientProof)}`;
        } catch (error) {
          state = 'failed'; // async errors bypass step()'s synchronous catch
          throw error;
        }
      }),

    verifyServerFinal: (serverFinal) =>
      step('final-sent', 'verifyServerFinal', () => {
        // RFC 5802 §7: server-final-message = (server-error / verifier) ["," extensions].
        const attrs = parseAttributes(serverFinal, FINAL);
        const error = attrs.get('e');
        if (error !== undefined) throw finalError(`server returned error: "${error}"`);
        const signature = attrs.get('v');
        if (!signature) throw finalError(`server signature is missing`);
        if (!isBase64(signature)) throw finalError(`server signature must be base64`);
        // Both are canonical padded base64 of 32 bytes, so comparing strings compares the bytes.
        if (signature !== expectedServerSignature) throw finalError(`server signature does not match`);
        state = 'done';
      }),
  };
}

function checkPassword(password: unknown): string {
  // Untyped callers (and pg-style configs) may pass a missing password; pg words this the same way.
  if (typeof password !== 'string')
    throw firstError('client password must be a string (no password was provided)');
  if (password === '') throw firstError('client password must be a non-empty string (the password is empty)');
  return password;
}

/** RFC 5802 §7: server-first-message = [reserved-mext ","] nonce "," salt "," iteration-count ["," ext]. */
function parseServerFirst(message: string, clientNonce: string, maxIterations: number) {
  const attrs = parseAttributes(message, FIRST);
  if (attrs.has('m')) throw firstError(`unsupported mandatory extension (m=)`);
  const nonce = attrs.get('r');
  if (!nonce) throw firstError(`nonce missing`);
  if (!isPrintable(nonce)) throw firstError(`nonce must only contain printable characters`);
  // The server appends its own nonce to ours (§5.1), proving the reply is fresh.
  if (!nonce.startsWith(clientNonce)) throw firstError(`server nonce does not start with client nonce`);
  if (nonce.length === clientNonce.length) throw firstError(`server nonce is too short`);
  const salt = attrs.get('s');
  if (!salt) throw firstError(`salt missing`);
  if (!isBase64(salt)) throw firstError(`salt must be base64`);
  const text = attrs.get('i');
  if (!text) throw firstError(`iteration count missing`);
  // WebCrypto converts iterations to a WebIDL unsigned long (mod 2^32), so bound it first.
  const iterations = Number(text);
  if (!/^[1-9][0-9]*$/.test(text) || iterations > 0xffffffff)
    throw firstError(`invalid iteration count "${text}"`);
  if (maxIterations > 0 && iterations > maxIterations) {
    throw firstError(`iteration count ${iterations} exceeds the maximum of ${maxIterations}`);
  }
  return { nonce, salt: fromBase64(salt), iterations };
}

/** RFC 5802 §3, with H = SHA-256 and HMAC = HMAC-SHA-256 (RFC 7677). */
async function computeKeys(
  subtle: SubtleCrypto,
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  authMessage: Uint8Array<ArrayBuffer>,
): Promise<{ clientProof: Uint8Array; serverSignature: Uint8Array }> {
  try {
    // SaltedPassword := Hi(Normalize(password), salt, i). Hi is PBKDF2 with one 32-byte block, so
    // a single native deriveBits call replaces i JavaScript-driven HMAC rounds.
    const pbkdf2Key = await subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
    const pbkdf2 = { name: 'PBKDF2', hash: 'SHA-256', salt, iterations };
    const saltedKey = await hmacKey(subtle, await subtle.deriveBits(pbkdf2, pbkdf2Key, 256));
    const [clientKey, serverKey] = await Promise.all([
      subtle.sign('HMAC', saltedKey, encoder.encode('Client Key')), // ClientKey := HMAC(SaltedPassword, "Client Key")
      subtle.sign('HMAC', saltedKey, encoder.encode('Server Key')), // ServerKey := HMAC(SaltedPassword, "Server Key")
    ]);
    const storedKey = await subtle.digest('SHA-256', clientKey); // StoredKey := H(ClientKey)
    const [clientSignature, serverSignature] = await Promise.all([
      hmacKey(subtle, storedKey).then((key) => subtle.sign('HMAC', key, authMessage)), // HMAC(StoredKey, AuthMessage)
      hmacKey(subtle, serverKey).then((key) => subtle.sign('HMAC', key, authMessage)), // HMAC(ServerKey, AuthMessage)
    ]);
    // ClientProof := ClientKey XOR ClientSignature
    const clientProof = new Uint8Array(clientKey);
    const signatureBytes = new Uint8Array(clientSignature);
    for (let i = 0; i < clientProof.length; i++) clientProof[i] ^= signatureBytes[i];
    return { clientProof, serverSignature: new Uint8Array(serverSignature) };
  } catch (error) {
    // e.g. a runtime capping PBKDF2 iterations (Cloudflare Workers reportedly caps at 100000).
    const reason = error instanceof Error ? error.message : String(error);
    throw new AuthError(`SASL: SCRAM-SHA-256 key computation failed: ${reason}`, { cause: error });
  }
}

function hmacKey(subtle: SubtleCrypto, raw: ArrayBuffer): Promise<CryptoKey> {
  return subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

/** Splits `a=value,b=value` (RFC 5802 §5.1 attribute-value pairs) into a map. */
function parseAttributes(message: string, context: string): Map<string, string> {
  if (typeof message !== 'string') throw new AuthError(`${context}: message must be a string`);
  const attrs = new Map<string, string>();
  for (const pair of message.split(',')) {
    if (pair.length < 2 || pair[1] !== '=') throw new AuthError(`${context}: invalid attribute pair entry`);
    if (!attrs.has(pair[0])) attrs.set(pair[0], pair.slice(2));
  }
  return attrs;
}

/** RFC 5802 §7 `printable`: %x21-2B / %x2D-7E (visible ASCII except ","); must be non-empty. */
function isPrintable(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e || code === 0x2c) return false;
  }
  return true;
}

/** RFC 5802 §5.1 saslname: "=" and "," are escaped as "=3D" and "=2C". */
function saslname(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}
