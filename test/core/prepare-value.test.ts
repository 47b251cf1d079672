import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { defaults, ParameterError } from '../../src/core/index.js';
import { bytesToHex, prepareValue } from '../../src/core/prepare-value.js';
import { prepareWireValue } from '../../src/wire/wire-value.js';
import { pg, pgUtils } from './oracle.js';

/** Values whose pg serialisation is well defined (pg has no error path for them). */
const corpus: unknown[] = [
  null,
  undefined,
  0,
  -0,
  1.5,
  -1e-7,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  10n,
  -(2n ** 70n),
  '',
  'plain',
  'quote \' and " and \\ backslash',
  'unicode ✓ 日本 \u0000?',
  Buffer.from('abc'),
  new Uint8Array([1, 2, 255]),
  new Uint16Array([1, 65535]),
  new DataView(new ArrayBuffer(4)),
  new Uint8Array(new ArrayBuffer(8), 2, 3),
  new Date(0),
  new Date(Date.UTC(2024, 2, 10, 7, 30, 0, 5)), // the New York DST switch
  new Date(Date.UTC(2024, 10, 3, 5, 59, 59, 999)),
  new Date(-62198755200000), // year 0 = 1 BC
  new Date(-100000000000000),
  new Date(Date.UTC(10000, 0, 1)),
  [],
  [1, null, 'a"b', [2, 3]],
  [
    [1, 2],
    [3, 4],
  ],
  ['back\\slash', 'quote"', "single'", '{braces}', 'comma,', ' space ', 'NULL'],
  [new Date(0), true, 1.5, { a: 1 }, [null]],
  [Buffer.from('hi'), new Uint8Array([0, 1])],
  [undefined, null],
  { a: 1, b: [1, 2], c: { d: 'x' }, e: null },
  { toJSON: () => 'custom' },
  { toPostgres: () => 'from toPostgres' },
  { toPostgres: () => [1, 2] },
  { toPostgres: () => ({ nested: true }) },
  { toPostgres: (prepare: (v: unknown) => unknown) => prepare(new Date(1000)) },
  Object.create(null),
];

function label(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * pg's `prepareValue` is `prepareWireValue` (what pg-protocol and `pg/lib/utils` receive); the
 * value core under it returns the same text, and bytes as a `Uint8Array` (no `Buffer` needed).
 */
function expectSameAsPg(value: unknown): void {
  const expected = pgUtils.prepareValue(value);
  expect(prepareWireValue(value), label(value)).toStrictEqual(expected);
  const core = prepareValue(value);
  if (Buffer.isBuffer(expected)) {
    expect(core, label(value)).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(core as Uint8Array), label(value)).toStrictEqual(expected);
  } else {
    expect(core, label(value)).toStrictEqual(expected);
  }
}

afterEach(() => {
  defaults.parseInputDatesAsUTC = false;
  pg.defaults.parseInputDatesAsUTC = false;
});

describe('prepareValue equals pg', () => {
  it('hands a Uint8Array back as is, and views other typed arrays without copying', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(prepareValue(bytes)).toBe(bytes);
    const words = new Uint16Array([1, 2]);
    const viewed = prepareValue(words) as Uint8Array;
    expect(viewed.buffer).toBe(words.buffer);
    expect(viewed.byteLength).toBe(4);
  });

  it('on a fixed corpus (local dates)', () => {
    for (const value of corpus) expectSameAsPg(value);
  });

  it('on a fixed corpus with parseInputDatesAsUTC', () => {
    defaults.parseInputDatesAsUTC = true;
    pg.defaults.parseInputDatesAsUTC = true;
    for (const value of corpus) expectSameAsPg(value);
  });

  it('on random values (property-based)', () => {
    const leaf = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.boolean(),
      fc.double(),
      fc.integer(),
      fc.bigInt(),
      fc.string({ unit: 'binary' }),
      fc.date({ noInvalidDate: true }),
      fc.uint8Array({ maxLength: 16 }).map((a) => Buffer.from(a)),
      fc.uint8Array({ maxLength: 16 }),
    );
    const jsonish = fc.jsonValue();
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, jsonish, fc.array(tie('node'), { maxLength: 5 })),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, utc) => {
        defaults.parseInputDatesAsUTC = utc;
        pg.defaults.parseInputDatesAsUTC = utc;
        expectSameAsPg(v);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('prepareValue rejects what cannot be sent', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a function', () => 1, /Cannot send a function/],
    ['a symbol', Symbol('s'), /Cannot send a symbol/],
    ['an invalid Date', new Date(Number.NaN), /invalid Date/],
    ['a BigInt inside JSON', { n: 1n }, /Cannot serialise a query parameter as JSON: .*BigInt/],
    [
      'a cyclic object',
      (() => {
        const o: Record<string, unknown> = {};
        o.self = o;
        return o;
      })(),
      /Cannot serialise a query parameter as JSON: .*circular/i,
    ],
    [
      'a cyclic toPostgres',
      (() => {
        const o = { toPostgres: (): unknown => o, toString: () => 'cyclic thing' };
        return o;
      })(),
      /circular reference detected while preparing "cyclic thing" for query/,
    ],
    [
      'a cyclic array',
      (() => {
        const a: unknown[] = [1];
        a.push(a);
        return a;
      })(),
      /circular reference detected while preparing an array/,
    ],
  ];
  for (const [name, value, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        prepareValue(value);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ParameterError);
      expect((error as ParameterError).code).toBe('EDGEPG_PARAM');
      expect((error as Error).message).toMatch(message);
    });
  }
});

describe('bytesToHex', () => {
  it("equals Buffer#toString('hex') on any bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(bytesToHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('toPostgres callbacks', () => {
  it("get pg's prepareValue on the wire path (bytes as Buffer), as pg passes its own", () => {
    const value = {
      toPostgres: (prepare: (v: unknown) => unknown) =>
        (prepare(new Uint8Array([1, 2])) as Buffer).toString('hex'),
    };
    expect(prepareWireValue(value)).toBe(pgUtils.prepareValue(value));
    expect(prepareWireValue(value)).toBe('0102');
  });
});
