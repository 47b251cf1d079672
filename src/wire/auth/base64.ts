/**
 * Uint8Array <-> base64 (RFC 4648 §4: standard alphabet, with padding) without `Buffer`.
 *
 * `btoa`/`atob` exist in every runtime we target (browsers, workerd, Deno, Bun, Node >= 16), so
 * this stays a few lines. `atob` is lenient (it skips whitespace and accepts missing padding), so
 * decoding first checks the strict grammar SCRAM needs: RFC 5802 §7 `base64` is padded and
 * whitespace-free.
 */

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True if `text` is padded standard base64 with no whitespace (the empty string counts). */
export function isBase64(text: string): boolean {
  return STRICT_BASE64.test(text);
}

/** Encodes bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // Chunked so the spread never exceeds engines' argument-count limits on large inputs.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes padded standard base64; throws a TypeError on anything else. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  if (!STRICT_BASE64.test(text)) throw new TypeError('Invalid base64 string');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
