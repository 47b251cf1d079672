/**
 * JSON for one Postgres text value when a client asks for converted output (no
 * `Neon-Raw-Text-Output: true`; the driver always asks for raw text, curl users may not).
 * Neon's rules (neon-http-protocol.md §2.3, proxy `serverless/json.rs`):
 * bool → true/false; int2, int4 → numbers; float4, float8 → numbers, but NaN and ±Infinity stay
 * strings; json, jsonb → embedded as they are; arrays → JSON arrays converted by element type,
 * with bounds decoration dropped and ',' as the delimiter (so box[] comes out wrong, as on
 * Neon); everything else → the text as a JSON string.
 *
 * A converter is chosen once per column; each returns JSON text.
 */

export type ToJson = (text: string) => string;

const BOOL = 16;
const INT2 = 21;
const INT4 = 23;
const FLOAT4 = 700;
const FLOAT8 = 701;
const JSON_OID = 114;
const JSONB = 3802;

/**
 * Built-in array types (pg_type with an array subscript handler, OID < 10000) → element type.
 * int2vector and oidvector are left out on purpose: their text form has no braces. Arrays of
 * user-defined types are not known here and come out as strings (Neon looks them up).
 */
const ARRAY_ELEMENTS = new Map<number, number>([
  [143, 142],
  [199, JSON_OID],
  [210, 71],
  [270, 75],
  [271, 5069],
  [272, 81],
  [273, 83],
  [629, 628],
  [651, 650],
  [719, 718],
  [775, 774],
  [791, 790],
  [1000, BOOL],
  [1001, 17],
  [1002, 18],
  [1003, 19],
  [1005, INT2],
  [1006, 22],
  [1007, INT4],
  [1008, 24],
  [1009, 25],
  [1010, 27],
  [1011, 28],
  [1012, 29],
  [1013, 30],
  [1014, 1042],
  [1015, 1043],
  [1016, 20],
  [1017, 600],
  [1018, 601],
  [1019, 602],
  [1020, 603],
  [1021, FLOAT4],
  [1022, FLOAT8],
  [1027, 604],
  [1028, 26],
  [1034, 1033],
  [1040, 829],
  [1041, 869],
  [1115, 1114],
  [1182, 1082],
  [1183, 1083],
  [1185, 1184],
  [1187, 1186],
  [1231, 1700],
  [1263, 2275],
  [1270, 1266],
  [1561, 1560],
  [1563, 1562],
  [2201, 1790],
  [2207, 2202],
  [2208, 2203],
  [2209, 2204],
  [2210, 2205],
  [2211, 2206],
  [2287, 2249],
  [2949, 2970],
  [2951, 2950],
  [3221, 3220],
  [3643, 3614],
  [3644, 3642],
  [3645, 3615],
  [3735, 3734],
  [3770, 3769],
  [3807, JSONB],
  [3905, 3904],
  [3907, 3906],
  [3909, 3908],
  [3911, 3910],
  [3913, 3912],
  [3927, 3926],
  [4073, 4072],
  [4090, 4089],
  [4097, 4096],
  [4192, 4191],
  [5039, 5038],
  [6150, 4451],
  [6151, 4532],
  [6152, 4533],
  [6153, 4534],
  [6155, 4535],
  [6157, 4536],
]);

const asString: ToJson = (text) => JSON.stringify(text);
const asRawJson: ToJson = (text) => text;
const asBool: ToJson = (text) => (text === 't' ? 'true' : 'false');
// Postgres prints int2/int4 as plain decimal integers, which are JSON already.
const asInteger: ToJson = (text) => text;
const asFloat: ToJson = (text) => {
  const value = Number(text);
  // JSON has no NaN or Infinity: pass them on as strings, as Neon does.
  return Number.isFinite(value) ? JSON.stringify(value) : JSON.stringify(text);
};

function scalarConverter(oid: number): ToJson {
  switch (oid) {
    case BOOL:
      return asBool;
    case INT2:
    case INT4:
      return asInteger;
    case FLOAT4:
    case FLOAT8:
      return asFloat;
    case JSON_OID:
    case JSONB:
      return asRawJson;
    default:
      return asString;
  }
}

/** The converter for a column of type `oid` (raw text mode bypasses this altogether). */
export function converterFor(oid: number): ToJson {
  const element = ARRAY_ELEMENTS.get(oid);
  if (element === undefined) return scalarConverter(oid);
  const convert = scalarConverter(element);
  return (text) => arrayToJson(text, convert);
}

/** Thrown for text that is not a Postgres array literal; the endpoint answers 500. */
export class ArrayParseError extends Error {}

/**
 * A Postgres array literal (`{1,NULL,"a\"b"}`, nested, optionally prefixed by `[1:2]=`) as a
 * JSON array, elements converted with `convert`.
 */
export function arrayToJson(text: string, convert: ToJson): string {
  let at = 0;
  if (text[0] === '[') {
    const equals = text.indexOf('=');
    if (equals === -1) throw new ArrayParseError('unbalanced array');
    at = equals + 1;
  }
  while (text[at] === ' ') at++;
  const out: string[] = [];
  at = parseArray(text, at, convert, out);
  while (at < text.length && isSpace(text[at])) at++;
  if (at !== text.length) throw new ArrayParseError('unbalanced array');
  return out.join('');
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/** Parses `{…}` starting at `at`, appending JSON to `out`; returns the index after `}`. */
function parseArray(text: string, at: number, convert: ToJson, out: string[]): number {
  if (text[at] !== '{') throw new ArrayParseError('unbalanced array');
  at++;
  out.push('[');
  let first = true;
  for (;;) {
    while (at < text.length && isSpace(text[at])) at++;
    if (text[at] === '}' && first) {
      // `{}`: Neon's parser reads one empty unquoted item here, which an empty array never has.
      out.push(']');
      return at + 1;
    }
    if (!first) out.push(',');
    first = false;
    if (text[at] === '{') {
      at = parseArray(text, at, convert, out);
    } else if (text[at] === '"') {
      let value = '';
      at++;
      for (;;) {
        if (at >= text.length) throw new ArrayParseError('unbalanced quoted string');
        const c = text[at];
        if (c === '"') {
          at++;
          break;
        }
        if (c === '\\') {
          if (at + 1 >= text.length) throw new ArrayParseError('unbalanced quoted string');
          value += text[at + 1];
          at += 2;
        } else {
          value += c;
          at++;
        }
      }
      out.push(convert(value));
    } else {
      let end = at;
      while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
      if (end >= text.length) throw new ArrayParseError('unbalanced array');
      const item = text.slice(at, end).trimEnd();
      out.push(item === 'NULL' ? 'null' : convert(item));
      at = end;
    }
    while (at < text.length && isSpace(text[at])) at++;
    if (text[at] === ',') {
      at++;
      continue;
    }
    if (text[at] === '}') {
      out.push(']');
      return at + 1;
    }
    throw new ArrayParseError('unbalanced array');
  }
}
