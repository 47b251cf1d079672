/**
 * edgepg's type-parser registry against the real pg-types 2.2.0 (what pg uses), for every OID
 * pg-types registers, text and binary:
 * - values the test PostgreSQL makes (type-samples.ts), fetched as text under several time zones
 *   and both bytea output formats, and as binary through the types' send functions;
 * - random and edge-case strings for every text parser (property-based), random bytes for the
 *   binary ones;
 * - the registry API: get/set in both forms, fallbacks, arrayParser, builtins, TypeOverrides,
 *   and one state shared by both views and by a second copy of the modules.
 * Results are compared described (parsed-value.ts): class names, own keys, Date times, bytes,
 * interval method outputs, and whether the parser threw.
 */
import { createRequire } from 'node:module';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import fc from 'fast-check';
import type { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Client } from '../../src/client/client.js';
import { ProtocolError } from '../../src/core/errors.js';
import { Result } from '../../src/core/result.js';
import { TypeOverrides, types as textTypes } from '../../src/core/types.js';
import { TypeOverrides as FullTypeOverrides, types as fullTypes } from '../../src/core/types-full.js';
import { connectionString } from '../setup/pg.js';
import { PgResult, pg } from './oracle.js';
import { describeValue, outcome } from './parsed-value.js';
import { sendFunctions, typeSamples } from './type-samples.js';

type Parser = (value: never) => unknown;
interface PgTypes {
  getTypeParser(oid: number, format?: string): Parser;
  setTypeParser(oid: number, format: unknown, parser?: unknown): void;
  arrayParser: { create(source: string, transform?: (entry: string) => unknown): { parse(): unknown[] } };
  builtins: Record<string, number>;
}
const pgTypes = createRequire(import.meta.url)('pg-types') as PgTypes;
const ours = fullTypes as unknown as PgTypes;
const oursText = textTypes as unknown as PgTypes;

/** OIDs with a parser of their own in a registry (not its fallback). */
function registeredOids(registry: PgTypes, format: 'text' | 'binary'): number[] {
  const fallback = registry.getTypeParser(-1, format);
  const oids: number[] = [];
  for (let oid = 0; oid < 10000; oid++) if (registry.getTypeParser(oid, format) !== fallback) oids.push(oid);
  return oids;
}
const textOids = registeredOids(pgTypes, 'text');
const binaryOids = registeredOids(pgTypes, 'binary');

/** Our parser and pg-types' give the same outcome for `input`. */
function expectSame(oid: number, format: 'text' | 'binary', input: unknown): void {
  const theirs = outcome(pgTypes.getTypeParser(oid, format), input);
  expect(outcome(ours.getTypeParser(oid, format), input), `${format} ${oid}: ${String(input)}`).toStrictEqual(
    theirs,
  );
}

let client: PgClient;
const rawText = { getTypeParser: () => (value: string) => value };

beforeAll(async () => {
  client = new pg.Client(connectionString('superuser'));
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

/** The text of every value `sql` returns, checking the column has type `oid`. */
async function fetchText(sql: string, oid: number): Promise<string[]> {
  const result = await client.query({ text: sql, types: rawText, rowMode: 'array' }).catch((error: Error) => {
    throw new Error(`${error.message} in: ${sql}`);
  });
  expect(result.fields[0].dataTypeID, sql).toBe(oid);
  return (result.rows as (string | null)[][]).map((row) => row[0]).filter((v): v is string => v !== null);
}

describe('the registry covers exactly pg-types’ OIDs', () => {
  it('text: the same OIDs, in both views', () => {
    expect(textOids.length).toBeGreaterThan(40);
    expect(registeredOids(ours, 'text')).toEqual(textOids);
    expect(registeredOids(oursText, 'text')).toEqual(textOids);
  });

  it('binary: the same OIDs in the full view, none in the text view (the HTTP entry)', () => {
    expect(binaryOids).toEqual([
      16, 20, 21, 23, 25, 26, 700, 701, 1000, 1007, 1008, 1009, 1016, 1114, 1184, 1700,
    ]);
    expect(registeredOids(ours, 'binary')).toEqual(binaryOids);
    expect(registeredOids(oursText, 'binary')).toEqual([]);
  });

  it('has sample SQL for every OID', () => {
    expect(textOids.filter((oid) => !typeSamples[oid])).toEqual([]);
    expect(binaryOids.filter((oid) => !typeSamples[oid])).toEqual([]);
    expect(Object.keys(sendFunctions).map(Number)).toEqual(binaryOids);
  });
});

describe('values made by PostgreSQL parse as pg-types parses them', () => {
  it('text format, under four time zones', async () => {
    let compared = 0;
    for (const zone of ['UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Europe/Amsterdam']) {
      await client.query(`set timezone = '${zone}'`);
      for (const oid of textOids) {
        for (const sql of typeSamples[oid] ?? []) {
          for (const value of await fetchText(sql, oid)) {
            expectSame(oid, 'text', value);
            compared++;
          }
        }
      }
    }
    await client.query('reset timezone');
    expect(compared).toBeGreaterThan(10000);
  });

  it('bytea and bytea[] in the escape output format', async () => {
    await client.query('set bytea_output = escape');
    try {
      let compared = 0;
      for (const oid of [17, 1001]) {
        for (const sql of typeSamples[oid]) {
          for (const value of await fetchText(sql, oid)) {
            expectSame(oid, 'text', value);
            compared++;
          }
        }
      }
      expect(compared).toBeGreaterThan(70);
    } finally {
      await client.query('reset bytea_output');
    }
  });

  it('binary format (the bytes of each type’s send function)', async () => {
    let compared = 0;
    for (const zone of ['UTC', 'Asia/Kathmandu']) {
      await client.query(`set timezone = '${zone}'`);
      for (const oid of binaryOids) {
        const samples = typeSamples[oid] ?? [];
        for (const sql of samples) {
          for (const hex of await fetchText(`select ${sendFunctions[oid]}(v) from (${sql}) s(v)`, 17)) {
            expectSame(oid, 'binary', Buffer.from(hex.slice(2), 'hex'));
            compared++;
          }
        }
      }
    }
    await client.query('reset timezone');
    expect(compared).toBeGreaterThan(4000);
  });

  it('text (25) binary, which has no text sample list of its own', async () => {
    const values = await fetchText(
      `select textsend(v) from (${typeSamples[1009][0].replace('::text[]', '')}) a(x), unnest(x) v where v is not null`,
      17,
    );
    expect(values.length).toBeGreaterThan(5);
    for (const hex of values) expectSame(25, 'binary', Buffer.from(hex.slice(2), 'hex'));
  });
});

/** Strings over `alphabet`, as postgres-array, postgres-date and friends see them. */
const textOver = (alphabet: string, maxLength = 40) =>
  fc.array(fc.constantFrom(...alphabet), { maxLength }).map((chars) => chars.join(''));

/** Array literals as Postgres writes them, elements quoted and escaped or not, nested, with NULLs. */
const arrayLiteral = fc.letrec<{ array: string; element: string }>((tie) => ({
  array: fc
    .array(tie('element'), { maxLength: 5 })
    .chain((elements) =>
      fc.constantFrom(`{${elements.join(',')}}`, `[1:${elements.length}]={${elements.join(',')}}`),
    ),
  element: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant('NULL'),
    textOver('ab1-.e:', 8),
    fc
      .string({ unit: fc.constantFrom('a', '"', '\\', ',', '{', '}', ' ', 'N', 'ü') })
      .map((s) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`),
    tie('array'),
  ),
})).array;

/** Array-like text, valid or not: braces, quotes, backslashes, commas at random. */
const arrayish = textOver('{}{}"\\,,NULaz19-. []=:', 30);

describe('random and edge-case text parses as pg-types parses it (property-based)', () => {
  // Every string-taking parser; bytea's escape format makes postgres-bytea loop forever on a lone
  // backslash, which we throw for instead (its own test below): those inputs are not compared.
  const compareAll = (input: string) => {
    for (const oid of textOids) {
      if ((oid === 17 || oid === 1001) && threwProtocolError(ours.getTypeParser(oid, 'text'), input))
        continue;
      expectSame(oid, 'text', input);
    }
  };

  it('array literals, well formed and not, for every text parser', () => {
    fc.assert(fc.property(fc.oneof(arrayLiteral, arrayish), compareAll), { numRuns: 3000 });
    for (const input of [
      '',
      '{',
      '}',
      '{}',
      '{{}}',
      '{a}b',
      'x{a}',
      '{a"b"c}',
      '{a{b}c}',
      '{\\{}',
      '{"\\',
      '{a}\\',
      '[1:2]',
      '{NULL,"NULL"}',
      '{,}',
      '{{1},{2}',
      '}{',
    ]) {
      compareAll(input);
    }
  });

  it('dates and timestamps: Postgres’ shapes, BC, infinity, odd offsets, junk', () => {
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const stamp = fc
      .record({
        year: fc.integer({ min: 0, max: 300000 }),
        month: fc.integer({ min: 0, max: 13 }),
        day: fc.integer({ min: 0, max: 32 }),
        time: fc.option(
          fc.tuple(
            fc.integer({ min: 0, max: 25 }),
            fc.integer({ min: 0, max: 60 }),
            fc.integer({ min: 0, max: 60 }),
          ),
        ),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
        zone: fc.option(fc.stringMatching(/^(Z|[+-]\d{0,2}(:\d{1,2}){0,2})$/)),
        bc: fc.boolean(),
      })
      .map(({ year, month, day, time, fraction, zone, bc }) => {
        let s = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
        if (time)
          s += ` ${pad(time[0])}:${pad(time[1])}:${pad(time[2])}${fraction ? `.${fraction}` : ''}${zone ?? ''}`;
        return bc ? `${s} BC` : s;
      });
    const junk = textOver('0123456789-: .+ZBCinfty', 30);
    fc.assert(
      fc.property(fc.oneof(stamp, junk), (s) => {
        for (const oid of [1082, 1114, 1184]) expectSame(oid, 'text', s);
        expectSame(1185, 'text', `{"${s}",NULL}`);
      }),
      { numRuns: 20000 },
    );
    for (const s of [
      'infinity',
      '-infinity',
      'Infinity',
      'x 2020-01-01 10:00:00',
      '2020-01-01 10:00:00+',
      '2020-01-01 10:00:00-:30',
      '2020-01-01 10:00:00+05:30:15 BC',
      '0000-01-01 00:00:00+00',
      '2020-01-01 10:00:00.123 garbage +02',
    ]) {
      expectSame(1184, 'text', s);
    }
  });

  it('intervals: every part, signs, fractions, and text it cannot read', () => {
    const part = (unit: string) =>
      fc.option(fc.tuple(fc.constantFrom('', '-', '+'), fc.nat(1000000), fc.constantFrom(unit, `${unit}s`)));
    const interval = fc
      .record({
        years: part('year'),
        months: part('mon'),
        days: part('day'),
        time: fc.option(
          fc.tuple(
            fc.constantFrom('', '-', '+'),
            fc.nat(200000),
            fc.nat(59),
            fc.nat(59),
            fc.option(fc.stringMatching(/^[0-9]{1,8}$/)),
          ),
        ),
      })
      .map(({ years, months, days, time }) => {
        const parts = [years, months, days]
          .filter((p) => p !== null)
          .map(([sign, n, unit]) => `${sign}${n} ${unit}`);
        if (time) {
          const [sign, h, m, s, f] = time;
          parts.push(
            `${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}${f ? `.${f}` : ''}`,
          );
        }
        return parts.join(' ');
      });
    const junk = textOver('0123456789-+: .yearmonsdy@', 30);
    fc.assert(
      fc.property(fc.oneof(interval, junk), (s) => {
        expectSame(1186, 'text', s);
        expectSame(1187, 'text', `{"${s}",NULL}`);
      }),
      { numRuns: 20000 },
    );
  });

  it('bytea: hex (valid, odd, invalid digits) and escape (octal, backslashes, wide characters)', () => {
    const hex = textOver('0123456789abcdefABCDEFxg ', 40).map((s) => `\\x${s}`);
    const escapeFormat = fc
      .array(
        fc.oneof(
          fc.integer({ min: 0, max: 511 }).map((n) => `\\${n.toString(8).padStart(3, '0')}`),
          fc.constant('\\\\'),
          fc.string({ unit: 'grapheme', maxLength: 3 }).map((s) => s.replace(/\\/g, '\\\\')),
        ),
        { maxLength: 20 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(hex, escapeFormat), (s) => {
        expectSame(17, 'text', s);
        expectSame(1001, 'text', `{"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}",NULL}`);
      }),
      { numRuns: 10000 },
    );
  });

  it('scalars: bool, integers, floats, int8, points, circles, json', () => {
    const anyText = fc.oneof(
      textOver('0123456789-+.eE ()<>,tfyesonTRUE1xN', 20),
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(anyText, (s) => {
        for (const oid of [16, 20, 21, 23, 26, 114, 600, 700, 701, 718, 3802]) expectSame(oid, 'text', s);
      }),
      { numRuns: 10000 },
    );
    for (const s of [
      '<(1,2),3>',
      '<(1,2),3',
      '(1,2),3>',
      '<',
      '',
      '<(1',
      '<(1,2))),,4)>',
      'x(1,2),3>',
      '(1,2)',
      '(1)',
      'NaN',
    ]) {
      for (const oid of [600, 718, 1017]) expectSame(oid, 'text', s);
    }
  });

  it('bytea escape text that postgres-bytea loops forever on throws ProtocolError', () => {
    for (const s of ['\\', 'a\\b', '\\\\\\', '\\12', '\\8']) {
      expect(() => ours.getTypeParser(17, 'text')(s as never), s).toThrow(ProtocolError);
    }
  });
});

function threwProtocolError(parse: Parser, input: string): boolean {
  try {
    parse(input as never);
    return false;
  } catch (error) {
    return error instanceof ProtocolError;
  }
}

describe('without a global Buffer (browsers, plain workerd)', () => {
  it('the text view loads and parses bytea to a Uint8Array of the same bytes, Buffer never touched', async () => {
    // The text view bundled alone and run in a fresh context that has no Buffer: loading it
    // and parsing must not need one (a Buffer reference would throw a ReferenceError there).
    const bundle = await build({
      stdin: {
        contents: "export { types } from './src/core/types.ts';",
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      format: 'iife',
      globalName: 'textView',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const context: Record<string, unknown> = {};
    runInNewContext(bundle.outputFiles[0].text, context);
    const view = (context.textView as { types: PgTypes }).types;
    expect(runInNewContext('typeof Buffer', context)).toBe('undefined');
    for (const input of [
      '\\x00ff5c41',
      '\\x',
      '\\xAbCd0',
      '\\x0a1g23',
      '\\xg0',
      'a\\\\b\\001\\377ü',
      '\\400\\\\',
      '',
    ]) {
      const theirs = pgTypes.getTypeParser(17)(input as never) as Buffer;
      const bytes = view.getTypeParser(17)(input as never) as Uint8Array;
      expect(Object.getPrototypeOf(bytes).constructor.name, input).toBe('Uint8Array');
      expect(Array.from(bytes), input).toEqual(Array.from(theirs));
    }
    const array = view.getTypeParser(1001)('{"\\\\x0102",NULL}' as never) as (Uint8Array | null)[];
    expect(array.map((b) => (b === null ? null : Array.from(b)))).toEqual([[1, 2], null]);
    // Everything else parses in that context too.
    expect(describeValue(view.getTypeParser(1186)('1 day 02:00:00.5' as never))).toStrictEqual(
      describeValue(pgTypes.getTypeParser(1186)('1 day 02:00:00.5' as never)),
    );
  });
});

describe('random bytes parse as pg-types’ binary parsers parse them (property-based)', () => {
  it('fixed-width types: every bit pattern', () => {
    const widths: Record<number, number> = {
      16: 1,
      20: 8,
      21: 2,
      23: 4,
      26: 4,
      700: 4,
      701: 8,
      1114: 8,
      1184: 8,
    };
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 8 }), (bytes) => {
        for (const [oid, width] of Object.entries(widths))
          expectSame(Number(oid), 'binary', Buffer.from(bytes.subarray(0, width)));
      }),
      { numRuns: 20000 },
    );
    // Special float patterns: ±0, subnormals, ±Infinity, NaN.
    for (const hex of ['00000000', '80000000', '00000001', '7f800000', 'ff800000', '7fc00000', '7f7fffff']) {
      expectSame(700, 'binary', Buffer.from(hex, 'hex'));
    }
    for (const hex of [
      '0000000000000000',
      '8000000000000000',
      '0000000000000001',
      '7ff0000000000000',
      'fff0000000000000',
      '7ff8000000000000',
    ]) {
      expectSame(701, 'binary', Buffer.from(hex, 'hex'));
    }
  });

  it('numeric: random digit groups, weights, signs and scales', () => {
    const numeric = fc
      .record({
        digits: fc.array(fc.integer({ min: 0, max: 9999 }), { maxLength: 8 }),
        weight: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 0xffff })),
        sign: fc.constantFrom(0, 0x4000, 0xc000, 0xd000, 0xf000),
        scale: fc.integer({ min: 0, max: 40 }),
      })
      .map(({ digits, weight, sign, scale }) => {
        const bytes = Buffer.alloc(8 + 2 * digits.length);
        bytes.writeUInt16BE(digits.length, 0);
        bytes.writeUInt16BE(weight, 2);
        bytes.writeUInt16BE(sign, 4);
        bytes.writeUInt16BE(scale, 6);
        for (const [i, d] of digits.entries()) bytes.writeUInt16BE(d, 8 + 2 * i);
        return bytes;
      });
    fc.assert(
      fc.property(numeric, (bytes) => expectSame(1700, 'binary', bytes)),
      { numRuns: 10000 },
    );
  });

  it('text and arrays of int4, int8 and text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => expectSame(25, 'binary', Buffer.from(bytes))),
      { numRuns: 5000 },
    );
    const element = (type: number) =>
      fc.option(
        type === 25
          ? fc.uint8Array({ maxLength: 6 })
          : fc.uint8Array({ minLength: type === 23 ? 4 : 8, maxLength: type === 23 ? 4 : 8 }),
      );
    const array = fc.constantFrom(23, 20, 25).chain((type) =>
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }).chain((dims) =>
        fc
          .array(element(type), {
            minLength: dims.reduce((a, b) => a * b, dims.length ? 1 : 0),
            maxLength: dims.reduce((a, b) => a * b, dims.length ? 1 : 0),
          })
          .map((elements) => {
            const parts: Buffer[] = [Buffer.alloc(12)];
            parts[0].writeUInt32BE(dims.length, 0);
            parts[0].writeUInt32BE(type, 8);
            for (const d of dims) {
              const dim = Buffer.alloc(8);
              dim.writeUInt32BE(d, 0);
              dim.writeUInt32BE(1, 4);
              parts.push(dim);
            }
            for (const e of elements) {
              const length = Buffer.alloc(4);
              length.writeUInt32BE(e === null ? 0xffffffff : e.length, 0);
              parts.push(length);
              if (e !== null) parts.push(Buffer.from(e));
            }
            return Buffer.concat(parts);
          }),
      ),
    );
    fc.assert(
      fc.property(array, (bytes) => {
        for (const oid of [1007, 1016, 1009]) expectSame(oid, 'binary', bytes);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the registry API behaves as pg-types’', () => {
  const sample = ['abc', '1', '', '{1,2}'];

  it('falls back to String for unknown OIDs and formats, in both formats', () => {
    for (const registry of [ours, oursText]) {
      for (const [oid, format] of [
        [99999, 'text'],
        [99999, 'binary'],
        [25, undefined],
        [1043, 'text'],
        [20, 'nope'],
        [23, ''],
      ] as const) {
        for (const value of [...sample, Buffer.from('hé'), 12]) {
          expect(outcome(registry.getTypeParser(oid, format), value)).toStrictEqual(
            outcome(pgTypes.getTypeParser(oid, format), value),
          );
        }
      }
    }
  });

  it('setTypeParser in both forms reaches both views; a falsy parser gives the fallback; a bad format throws', () => {
    const registries = [pgTypes, ours];
    const views = [pgTypes, ours, oursText];
    const saved = registries.map((r) => [
      r.getTypeParser(23),
      r.getTypeParser(1700),
      r.getTypeParser(25, 'binary'),
      r.getTypeParser(20, 'binary'),
    ]);
    try {
      for (const registry of registries) {
        registry.setTypeParser(23, (v: string) => `t${v}`);
        registry.setTypeParser(25, 'binary', (v: Buffer) => `b${v.length}`);
        registry.setTypeParser(20, 'binary', undefined);
        registry.setTypeParser(1700, 'text', (v: string) => Number(v));
      }
      for (const view of views) {
        expect(view.getTypeParser(23)('5' as never)).toBe('t5');
        expect(view.getTypeParser(25, 'binary')(Buffer.from('abc') as never)).toBe('b3');
        expect(outcome(view.getTypeParser(20, 'binary'), Buffer.from('12'))).toStrictEqual({ value: '12' });
        expect(view.getTypeParser(1700, 'text')('1.5' as never)).toBe(1.5);
      }
      for (const registry of registries) {
        expect(() => registry.setTypeParser(23, 'bogus', () => 1)).toThrow(TypeError);
        expect(() => registry.setTypeParser(23, undefined, () => 1)).toThrow(TypeError);
      }
    } finally {
      const [[t23, t1700, t25, t20], [o23, o1700]] = saved;
      pgTypes.setTypeParser(23, 'text', t23);
      pgTypes.setTypeParser(1700, 'text', t1700);
      pgTypes.setTypeParser(25, 'binary', t25);
      pgTypes.setTypeParser(20, 'binary', t20);
      ours.setTypeParser(23, 'text', o23);
      ours.setTypeParser(1700, 'text', o1700);
      // Binary parsers an app set hide the defaults: remove them from the shared state.
      const state = sharedState();
      delete state.binary[25];
      delete state.binary[20];
    }
    expect(ours.getTypeParser(23)('7' as never)).toBe(7);
    expect(registeredOids(ours, 'binary')).toEqual(binaryOids);
    expect(registeredOids(oursText, 'binary')).toEqual([]);
  });

  it('arrayParser.create(source, transform).parse() and builtins', () => {
    for (const source of ['{1,2,NULL}', '{{a,b},{"c,d",NULL}}', '[0:1]={x,y}', '{"\\"",\\\\}', '{']) {
      for (const transform of [undefined, (entry: string) => `<${entry}>`]) {
        const theirs = outcome(() => pgTypes.arrayParser.create(source, transform).parse(), undefined);
        expect(
          outcome(() => ours.arrayParser.create(source, transform).parse(), undefined),
          source,
        ).toStrictEqual(theirs);
      }
    }
    expect(ours.builtins).toStrictEqual(pgTypes.builtins);
    expect(oursText.builtins).toBe(ours.builtins);
    expect(Object.keys(ours)).toEqual(Object.keys(pgTypes));
  });

  it('TypeOverrides keeps pg’s contract; the full entry’s falls back to the binary parsers', () => {
    const bytes = Buffer.from([0, 0, 0, 0, 0, 0, 1, 0]);
    const theirs = new pg.TypeOverrides();
    for (const overrides of [new FullTypeOverrides(), new TypeOverrides(fullTypes)]) {
      expect(overrides.getTypeParser(20, 'binary')(bytes)).toBe(
        (theirs.getTypeParser(20, 'binary') as unknown as Parser)(bytes as never),
      );
      overrides.setTypeParser(20, (v) => `x${v}`);
      overrides.setTypeParser(20, 'binary', () => 'bin');
      expect(overrides.getTypeParser(20)('1')).toBe('x1');
      expect(overrides.getTypeParser(20, 'binary')(bytes as never)).toBe('bin');
      expect(fullTypes.getTypeParser(20)('1')).toBe('1');
      expect(() => overrides.setTypeParser(20, 'text', undefined as never)).toThrow(TypeError);
    }
    // The text view's TypeOverrides: text as pg's, binary only what was set.
    const text = new TypeOverrides();
    expect(text.getTypeParser(1184)('2020-01-01 00:00:00+00')).toStrictEqual(new Date(Date.UTC(2020, 0, 1)));
    expect(text.getTypeParser(20, 'binary')(bytes as never)).toBe(String(bytes));
  });

  it('client.getTypeParser(oid, format) is pg’s, binary included', () => {
    const bytes = Buffer.from([0, 0, 0, 0, 0, 0, 1, 0]);
    const ours = new Client({ host: 'localhost' });
    const theirs = new pg.Client({ host: 'localhost' });
    for (const oid of binaryOids) {
      const input = oid === 25 ? Buffer.from('héllo') : bytes;
      expect(outcome(ours.getTypeParser(oid, 'binary'), input), `binary ${oid}`).toStrictEqual(
        outcome(theirs.getTypeParser(oid, 'binary') as unknown as Parser, input),
      );
    }
    expect(ours.getTypeParser(1184)('2020-01-01 00:00:00+00')).toStrictEqual(new Date(Date.UTC(2020, 0, 1)));
  });

  it('Result parses binary columns with pg-types’ binary parsers through a client’s TypeOverrides (text view)', () => {
    const fields = binaryOids.map((oid, i) => ({
      name: `c${i}`,
      tableID: 0,
      columnID: 0,
      dataTypeID: oid,
      dataTypeSize: -1,
      dataTypeModifier: -1,
      format: 'binary',
    }));
    // Raw cells as pg hands them to Result: strings (both turn them into bytes the same way).
    const row = binaryOids.map((oid) =>
      oid === 25 ? 'héllo' : '\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008',
    );
    const ours = new Result(undefined, new TypeOverrides());
    const theirs = new PgResult(undefined, new pg.TypeOverrides());
    ours.addFields(fields);
    theirs.addFields(fields);
    const quiet = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      expect(describeValue(ours.parseRow(row))).toStrictEqual(describeValue(theirs.parseRow(row)));
    } finally {
      quiet.mockRestore();
    }
  });

  it('both views and a second copy of the modules (ESM and CJS in one process) share one state', async () => {
    vi.resetModules();
    const copy = await import('../../src/core/types.js');
    const copyFull = await import('../../src/core/types-full.js');
    expect(copy.TypeOverrides).not.toBe(TypeOverrides); // a fresh copy indeed
    expect(copy.types).toBe(textTypes);
    expect(copyFull.types).toBe(fullTypes);
    const original = fullTypes.getTypeParser(1186);
    try {
      copy.types.setTypeParser(1186, (v: string) => `iv:${v}`);
      expect(fullTypes.getTypeParser(1186)('1 day')).toBe('iv:1 day');
      expect(new TypeOverrides().getTypeParser(1186)('1 day')).toBe('iv:1 day');
    } finally {
      fullTypes.setTypeParser(1186, original);
    }
    expect(describeValue(fullTypes.getTypeParser(1186)('1 day'))).toStrictEqual(
      describeValue(pgTypes.getTypeParser(1186)('1 day' as never)),
    );
  });
});

/** The realm-wide registry state (type-parsers/registry.ts). */
function sharedState(): { binary: Record<number, unknown> } {
  return (globalThis as unknown as Record<symbol, { binary: Record<number, unknown> }>)[
    Symbol.for('edgepg.type-parsers@1')
  ];
}
