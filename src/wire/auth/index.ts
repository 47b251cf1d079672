/** Pure client-side authentication helpers (no I/O): SCRAM-SHA-256, MD5, SASLprep, base64. */
export { fromBase64, isBase64, toBase64 } from './base64.js';
export { md5, md5Hex, md5PasswordMessage } from './md5.js';
export { saslprep } from './saslprep.js';
export {
  createScramClient,
  DEFAULT_SCRAM_MAX_ITERATIONS,
  SCRAM_SHA_256,
  type ScramClient,
  type ScramClientOptions,
  type ScramCrypto,
  selectSaslMechanism,
} from './scram.js';
