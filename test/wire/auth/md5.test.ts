import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/core/errors.js';
import { md5, md5Hex, md5PasswordMessage } from '../../../src/wire/auth/index.js';

const nodeMd5 = (data: Uint8Array): string => createHash('md5').update(data).digest('hex');
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('md5', () => {
  it('matches the RFC 1321 §A.5 test suite', () => {
    expect(md5Hex(utf8(''))).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex(utf8('a'))).toBe('0cc175b9c0f1b6a831c399e269772661');
    expect(md5Hex(utf8('abc'))).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(md5Hex(utf8('message digest'))).toBe('f96b697d7cb7938d525a2f31aaf161d0');
    expect(md5Hex(utf8('abcdefghijklmnopqrstuvwxyz'))).toBe('c3fcd3d76192e4007dfb496cca67e13b');
    expect(md5Hex(utf8('1234567890'.repeat(8)))).toBe('57edf4a22be3c955ac49da2e2107b67a');
  });

  it('matches node:crypto around every padding boundary (lengths 0..200)', () => {
    for (let length = 0; length <= 200; length++) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      expect(md5Hex(data)).toBe(nodeMd5(data));
    }
  });

  it('matches node:crypto on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (data) => {
        expect(md5Hex(data)).toBe(nodeMd5(data));
        expect(md5(data)).toEqual(new Uint8Array(createHash('md5').update(data).digest()));
      }),
      { numRuns: 500 },
    );
  });

  it('handles a 1 MiB input', () => {
    const data = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7) & 0xff);
    expect(md5Hex(data)).toBe(nodeMd5(data));
  });
});

describe('md5PasswordMessage', () => {
  // Vectors computed independently with Python's hashlib.
  it('matches known vectors', () => {
    expect(md5PasswordMessage('postgres', 'secret', new Uint8Array([1, 2, 3, 4]))).toBe(
      'md5bb41a296aab6baccb36ff243a562abff',
    );
    expect(md5PasswordMessage('brian', 'hunter2', new Uint8Array([0xde, 0xad, 0xbe, 0xef]))).toBe(
      'md5e222809f9c36a80d0f8797a77fe1b04d',
    );
    expect(md5PasswordMessage('ünïcode', 'pässwörd', new Uint8Array([0, 0xff, 0x80, 0x7f]))).toBe(
      'md520545002daf3330daf37387c101f777c',
    );
  });

  it("matches pg's formula computed with node:crypto on random inputs", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        (user, password, salt) => {
          const inner = createHash('md5').update(password).update(user).digest('hex');
          const expected = `md5${createHash('md5').update(inner).update(salt).digest('hex')}`;
          expect(md5PasswordMessage(user, password, salt)).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects a missing password and a bad salt with AuthError', () => {
    const noPassword = () => md5PasswordMessage('u', undefined as unknown as string, new Uint8Array(4));
    expect(noPassword).toThrow(AuthError);
    expect(noPassword).toThrow(/password must be a string/);
    expect(() => md5PasswordMessage('u', 'p', new Uint8Array(3))).toThrow(/salt must be 4 bytes/);
    try {
      noPassword();
    } catch (error) {
      expect((error as AuthError).code).toBe('EDGEPG_AUTH');
    }
  });
});
