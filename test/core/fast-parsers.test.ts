/**
 * The hot parsers' fast paths (the registry's defaults) must equal pg-types 2.2.0's parsers on
 * every input: ordinary timestamps in every shape Postgres prints, and odd ones they hand to the
 * general path. The whole registry is compared in type-registry.test.ts.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDate as fastParseDate } from '../../src/core/type-parsers/date.js';
import { registryState } from '../../src/core/type-parsers/registry.js';
import { parseIntegerArray as fastParseIntegerArray } from '../../src/core/type-parsers/text.js';
import { types as ours } from '../../src/core/types.js';

/** The registry's pass-through parsers (unknown OIDs; int8), which the HTTP path skips calling. */
const { noParse: fastNoParse, parseBigInteger: fastParseBigInteger } = registryState;

const require = createRequire(import.meta.url);
const parseDate = require('postgres-date') as (s: string) => unknown;
/** The real pg-types 2.2.0: the oracle. */
const types = require('pg-types') as {
  getTypeParser(oid: number, format?: string): (value: never) => unknown;
};

const same = (s: string) => {
  const a = fastParseDate(s);
  const b = parseDate(s);
  if (a instanceof Date && b instanceof Date) expect(a.getTime(), s).toBe(b.getTime());
  else expect(a, s).toStrictEqual(b);
};

describe('fastParseDate equals postgres-date', () => {
  it('on edge cases', () => {
    for (const s of [
      '2024-03-05 10:11:12',
      '2024-03-05 10:11:12.345',
      '2024-03-05 10:11:12.345678',
      '2024-03-05 10:11:12.000001',
      '2024-03-05 10:11:12.9999999',
      '2024-03-05 10:11:12+00',
      '2024-03-05 10:11:12+02',
      '2024-03-05 10:11:12-05',
      '2024-03-05 10:11:12.5+05:30',
      '2024-03-05 10:11:12-03:30',
      '1900-01-01 00:00:00+00:19:32',
      '2024-03-10 02:30:00',
      '2024-11-03 01:30:00',
      '0099-01-01 00:00:00',
      '0100-01-01 00:00:00',
      '0044-03-15 00:00:00 BC',
      '0001-01-01 00:00:00+00 BC',
      '12345-01-01 00:00:00',
      'infinity',
      '-infinity',
      '2024-03-05',
      '2024-03-05 BC',
      '2024-03-05 10:11',
      '2024-03-05 10:11:12.',
      '2024-03-05 10:11:12+2',
      '2024-03-05 10:11:12+ab',
      '2024-03-05 10:11:12Z',
      'garbage',
      '',
    ]) {
      same(s);
    }
  });

  it('on random timestamps in every shape Postgres prints (property-based)', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = fc
      .record({
        year: fc.integer({ min: 1, max: 12000 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 31 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,6}$/)),
        zone: fc.option(
          fc.tuple(
            fc.constantFrom('+', '-'),
            fc.integer({ min: 0, max: 15 }),
            fc.option(fc.integer({ min: 0, max: 59 })),
            fc.option(fc.integer({ min: 0, max: 59 })),
          ),
        ),
        bc: fc.boolean(),
      })
      .map(({ year, month, day, hour, minute, second, fraction, zone, bc }) => {
        let s = `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hour)}:${pad(minute)}:${pad(second)}`;
        if (fraction) s += `.${fraction}`;
        if (zone) {
          const [sign, h, m, sec] = zone;
          s += `${sign}${pad(h)}`;
          if (m !== null) s += `:${pad(m)}${sec !== null ? `:${pad(sec)}` : ''}`;
        }
        return bc ? `${s} BC` : s;
      });
    fc.assert(
      fc.property(stamp, (s) => same(s)),
      { numRuns: 20000 },
    );
  });

  it('on every fraction of up to 4 digits and random longer ones (the milliseconds arithmetic)', () => {
    for (let digits = 1; digits <= 4; digits++) {
      for (let f = 0; f < 10 ** digits; f++)
        same(`2024-03-05 10:11:12.${String(f).padStart(digits, '0')}+00`);
    }
    for (const f of ['1234567890123456', '99999999999999999999', '000000000000000001', '5'.repeat(40)]) {
      same(`2024-03-05 10:11:12.${f}`);
    }
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{5,22}$/), (f) => same(`1999-12-31 23:59:59.${f}-08`)),
      { numRuns: 20000 },
    );
  });

  it('int arrays: fastParseIntegerArray equals pg-types on edge cases and random arrays', () => {
    const original = types.getTypeParser(1007 as never, 'text') as (s: string) => unknown;
    for (const s of [
      '{}',
      '{1}',
      '{1,2,3}',
      '{-1,0,-0}',
      '{1,NULL,3}',
      '{{1,2},{3,4}}',
      '{"1"}',
      '{1,}',
      '{,1}',
      '{-}',
      '{--1}',
      '{1-2}',
      '',
      '{',
      '}',
      '{2147483647,-2147483648}',
      '{12345678901234567}',
    ]) {
      const outcome = (fn: (x: string) => unknown) => {
        try {
          return { value: fn(s) };
        } catch (e) {
          return { error: (e as Error).message };
        }
      };
      expect(outcome(fastParseIntegerArray), s).toStrictEqual(outcome(original));
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -2147483648, max: 2147483647 })), (values) => {
        const s = `{${values.join(',')}}`;
        expect(fastParseIntegerArray(s)).toStrictEqual(original(s));
      }),
      { numRuns: 5000 },
    );
  });

  it('are the registry’s own defaults, with no second lookup', () => {
    for (const oid of [1082, 1114, 1184]) expect(ours.getTypeParser(oid, 'text')).toBe(fastParseDate);
    for (const oid of [1005, 1007, 1028]) expect(ours.getTypeParser(oid, 'text')).toBe(fastParseIntegerArray);
    // text, varchar, numeric, … (no pg-types parser) and int8.
    for (const oid of [25, 1043, 1700]) expect(ours.getTypeParser(oid, 'text')).toBe(fastNoParse);
    expect(ours.getTypeParser(20, 'text')).toBe(fastParseBigInteger);
  });

  it('text and int8: the pass-through equals pg-types on strings and on any other value', () => {
    const noParse = types.getTypeParser(25 as never, 'text') as (v: unknown) => unknown;
    const int8 = types.getTypeParser(20 as never, 'text') as (v: unknown) => unknown;
    const odd = ['', ' 1', '-9223372036854775808', '12a', 'ü', 0, 12, -3.5, true, [1], { a: 1 }];
    for (const value of odd) {
      expect(fastNoParse(value)).toStrictEqual(noParse(value));
      expect(fastParseBigInteger(value)).toStrictEqual(int8(value));
    }
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.bigInt().map(String), fc.integer()), (value) => {
        expect(fastNoParse(value)).toStrictEqual(noParse(value));
        expect(fastParseBigInteger(value)).toStrictEqual(int8(value));
      }),
      { numRuns: 2000 },
    );
  });
});
