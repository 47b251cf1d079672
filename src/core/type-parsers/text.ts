/**
 * The text-format parsers pg-types 2.2.0 registers, by OID, with its exact results; the hot ones
 * (no parse, int8, int4[], timestamps) take a fast path on the common input. Differential tests
 * against pg-types itself: test/core/type-registry.test.ts.
 */
import { parseArray } from './array.js';
import { parseBytea } from './bytea.js';
import { parseDate } from './date.js';
import { parseInterval } from './interval.js';

// biome-ignore lint/suspicious/noExplicitAny: parsers take and return any value, as in pg-types
export type AnyParser = (value: any) => any;

/**
 * The parser for every OID without one (text, varchar, numeric, …): pg-types' `String(value)`,
 * which returns text as is; the global itself, so every copy of edgepg in the realm shares it.
 */
export const noParse: AnyParser = String;

/** int8 stays text (a JavaScript number cannot hold it); non-text input as pg-types treats it. */
export function parseBigInteger(value: unknown): unknown {
  if (typeof value === 'string') return value;
  const text = String(value);
  return /^\d+$/.test(text) ? text : value;
}

/** `Number.parseFloat`, named once (it is used often here). */
const toFloat = Number.parseFloat;

function parseInteger(value: string): number {
  return Number.parseInt(value, 10);
}

/** The texts pg-types reads as true (compared with `===`, as there). */
const TRUE_TEXTS = 'TRUE t true y yes on 1'.split(' ');

function parseBool(value: string | null): boolean | null {
  return value === null ? null : TRUE_TEXTS.includes(value);
}

interface Point {
  x: number;
  y: number;
}

/** `(x,y)`; anything not starting with `(` is null. */
function parsePoint(value: string): Point | null {
  if (value[0] !== '(') return null;
  const [x, y] = value.slice(1, -1).split(',');
  return { x: toFloat(x), y: toFloat(y) };
}

/**
 * `<(x,y),r>`: the point is the text from index 2 through the first `)` (or to the last
 * character, leaving no radius); the radius is what follows it, without `)` and `,` characters.
 */
function parseCircle(value: string): (Point & { radius: number }) | null {
  if (value[0] !== '<' && value[1] !== '(') return null;
  const end = value.length - 1;
  const close = value.indexOf(')', 2);
  const cut = close < 0 || close >= end ? end : close + 1;
  return {
    ...(parsePoint(`(${value.slice(2, cut)}`) as Point),
    radius: toFloat(value.slice(cut, end).replace(/[),]/g, '')),
  };
}

const parseJson = JSON.parse;

/**
 * int2[], int4[], oid[]: a flat list of plain integers (up to 15 digits) is read here, anything
 * else (NULLs, nesting, quotes, `{}`) by the array parser.
 */
export function parseIntegerArray(s: string): unknown {
  const end = s.length - 1;
  if (s[0] === '{' && s[end] === '}' && end > 1) {
    const out: number[] = [];
    let value = 0;
    let negative = false;
    let digits = 0;
    for (let i = 1; ; i++) {
      const c = s.charCodeAt(i);
      if (c > 47 && c < 58 && digits < 15) {
        value = value * 10 + c - 48;
        digits++;
      } else if (c === 45 /* - */ && !digits && !negative) {
        negative = true;
      } else if (digits && (c === 44 /* , */ || i === end)) {
        out.push(negative ? -value : value);
        if (i === end) return out;
        value = digits = 0;
        negative = false;
      } else {
        break;
      }
    }
  }
  return s ? parseArray(s, parseInteger) : null;
}

/** An array parser for elements read by `element`; pg-types gives null for empty text. */
function arrayOf(element?: (entry: string) => unknown): AnyParser {
  return (value: string) => (value ? parseArray(value, element) : null);
}

const parseStringArray = arrayOf();

/** A fresh table of pg-types' text parsers, by OID. */
export function textParsers(): Record<number, AnyParser> {
  return {
    16: parseBool,
    17: parseBytea,
    20: parseBigInteger,
    21: parseInteger,
    23: parseInteger,
    26: parseInteger,
    114: parseJson, // json
    199: arrayOf(parseJson), // json[]
    600: parsePoint,
    651: parseStringArray, // cidr[]
    700: toFloat,
    701: toFloat,
    718: parseCircle,
    791: parseStringArray, // money[]
    1000: arrayOf(parseBool),
    1001: arrayOf(parseBytea),
    1005: parseIntegerArray, // int2[]
    1007: parseIntegerArray, // int4[]
    1008: parseStringArray, // regproc[]
    1009: parseStringArray, // text[]
    1014: parseStringArray, // char[]
    1015: parseStringArray, // varchar[]
    1016: arrayOf((entry) => entry.trim()), // int8[]: entries are text, which the int8 parser keeps
    1017: arrayOf(parsePoint),
    1021: arrayOf(toFloat), // float4[]
    1022: arrayOf(toFloat), // float8[]
    1028: parseIntegerArray, // oid[]
    1040: parseStringArray, // macaddr[]
    1041: parseStringArray, // inet[]
    1082: parseDate, // date
    1114: parseDate, // timestamp
    1115: arrayOf(parseDate),
    1182: arrayOf(parseDate), // date[]
    1183: parseStringArray, // time[]
    1184: parseDate, // timestamptz
    1185: arrayOf(parseDate),
    1186: parseInterval,
    1187: arrayOf(parseInterval),
    1231: arrayOf(toFloat), // numeric[]
    1270: parseStringArray, // timetz[]
    2951: parseStringArray, // uuid[]
    3802: parseJson, // jsonb
    3807: arrayOf(parseJson), // jsonb[]
    3907: parseStringArray, // numrange[]
  };
}
