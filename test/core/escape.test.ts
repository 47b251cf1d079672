import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeIdentifier, escapeLiteral } from '../../src/core/index.js';
import { pg } from './oracle.js';

describe('escaping equals pg', () => {
  const samples = ['', 'plain', "it's", 'back\\slash', '"quoted"', "both ' and \\", '日本語', '\u0000'];
  it('escapeIdentifier on samples and random strings', () => {
    for (const s of samples) expect(escapeIdentifier(s)).toBe(pg.escapeIdentifier(s));
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => escapeIdentifier(s) === pg.escapeIdentifier(s)),
    );
  });
  it('escapeLiteral on samples, random strings and non-strings', () => {
    for (const s of samples) expect(escapeLiteral(s)).toBe(pg.escapeLiteral(s));
    for (const v of [null, undefined, 1, {}]) expect(escapeLiteral(v)).toBe(pg.escapeLiteral(v as string));
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => escapeLiteral(s) === pg.escapeLiteral(s)));
  });
});
