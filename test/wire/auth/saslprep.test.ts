import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, isBase64, saslprep, toBase64 } from '../../../src/wire/auth/index.js';

describe('saslprep', () => {
  it('returns pure ASCII unchanged (including spaces and controls, like PostgreSQL)', () => {
    expect(saslprep('pencil')).toBe('pencil');
    expect(saslprep(' a b\t\x01~')).toBe(' a b\t\x01~');
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii' }), (s) => saslprep(s) === s));
  });

  it('maps C.1.2 non-ASCII spaces to U+0020', () => {
    expect(saslprep('a\u00a0b')).toBe('a b');
    expect(saslprep('\u1680\u2000\u2005\u200a\u202f\u205f\u3000x')).toBe('       x');
    // U+200B is in both C.1.2 and B.1; PostgreSQL checks C.1.2 first.
    expect(saslprep('a\u200bb')).toBe('a b');
  });

  it('removes B.1 characters', () => {
    expect(saslprep('pass\u00adword')).toBe('password');
    expect(saslprep('p\u034fa\u1806s\u180bs\u200c\u200dw\u2060o\ufe00r\ufe0fd\ufeff')).toBe('password');
  });

  it('applies NFKC', () => {
    expect(saslprep('IX-\u2168')).toBe('IX-IX');
    expect(saslprep('\u00aa')).toBe('a');
    expect(saslprep('e\u0301')).toBe('\u00e9');
    expect(saslprep('\ufb01')).toBe('fi');
  });

  it('returns null where PostgreSQL falls back to the raw password', () => {
    expect(saslprep('\u00ad')).toBeNull(); // maps to the empty string
    expect(saslprep('\u00ad\ufeff\u200d')).toBeNull();
    expect(saslprep('ab\ud800c\u00e9')).toBeNull(); // lone surrogate: not valid Unicode
    expect(saslprep('\ud83d\ude00\u00e9')).toBe('\ud83d\ude00\u00e9'); // a well-formed pair is fine
  });
});

describe('base64', () => {
  it('round-trips random bytes and agrees with node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(isBase64(text)).toBe(true);
        expect(fromBase64(text)).toEqual(bytes);
      }),
    );
  });

  it('encodes large inputs (chunked)', () => {
    const bytes = Uint8Array.from({ length: 100_000 }, (_, i) => i & 0xff);
    expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('rejects non-canonical base64', () => {
    for (const bad of ['abc', 'ab=c', 'a b=', 'YQ', 'YQ=', '====', 'Y!==']) {
      expect(isBase64(bad)).toBe(false);
      expect(() => fromBase64(bad)).toThrow(TypeError);
    }
  });
});
