/**
 * Faster drop-ins for the hottest pg-types 2.2.0 parsers, with identical output.
 *
 * Results must equal pg's, so the registry stays pg-types itself; but when a column's parser is
 * still pg-types' own (nobody overrode it), we may run an equivalent that is quicker on the
 * common input and hands anything unusual back to the original. Differential tests compare
 * both on random and edge-case inputs.
 */

import type { TypeParser } from './types.js';
import { types } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: pg-types' parsers take and return any
type AnyParser = TypeParser<any, any>;

const registry = types as unknown as { getTypeParser(oid: number, format?: string): AnyParser };

/** postgres-date's parser, registered by pg-types for date, timestamp and timestamptz. */
const parseDate: AnyParser = /* @__PURE__ */ registry.getTypeParser(1184, 'text');

const ZERO = 48;

function digits(s: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f…][±HH[:MM[:SS]]]` with a four-digit year from 0100 on (what Postgres
 * prints for every ordinary timestamp) is parsed here; everything else — BC, infinity, dates
 * without a time, years before 100 or beyond 9999 — goes to postgres-date. The arithmetic is
 * postgres-date's: the fraction as `1000 * parseFloat('.f…')` milliseconds, the offset
 * subtracted from the UTC time, local time when there is no offset.
 */
export function fastParseDate(s: string): unknown {
  const length = s.length;
  if (
    length < 19 ||
    s.charCodeAt(4) !== 45 /* - */ ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 32 /* space */ ||
    s.charCodeAt(13) !== 58 /* : */ ||
    s.charCodeAt(16) !== 58
  ) {
    return parseDate(s);
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  // `digits` gives -1 for a non-digit, and an OR of small integers is negative iff one of them is.
  if (year < 100 || (month | day | hour | minute | second) < 0) return parseDate(s);

  let pos = 19;
  let ms = 0;
  if (s.charCodeAt(pos) === 46 /* . */) {
    let end = pos + 1;
    let fraction = 0;
    let scale = 1;
    while (end < length) {
      const c = s.charCodeAt(end) - ZERO;
      if (c < 0 || c > 9) break;
      fraction = fraction * 10 + c;
      scale *= 10;
      end++;
    }
    if (scale === 1) return parseDate(s);
    // `fraction / scale` is the correctly rounded value of the digits, as parseFloat's is, while
    // both are exact doubles (up to 15 digits); longer fractions go through parseFloat.
    ms = 1000 * (scale <= 1e15 ? fraction / scale : Number.parseFloat(s.slice(pos, end)));
    pos = end;
  }
  if (pos === length) return new Date(year, month - 1, day, hour, minute, second, ms);

  const sign = s.charCodeAt(pos);
  if (sign !== 43 /* + */ && sign !== 45 /* - */) return parseDate(s);
  const rest = length - pos - 1;
  const offsetHours = rest >= 2 ? digits(s, pos + 1, 2) : -1;
  let offsetMinutes = 0;
  let offsetSecs = 0;
  if (rest === 5 && s.charCodeAt(pos + 3) === 58) {
    offsetMinutes = digits(s, pos + 4, 2);
  } else if (rest === 8 && s.charCodeAt(pos + 3) === 58 && s.charCodeAt(pos + 6) === 58) {
    offsetMinutes = digits(s, pos + 4, 2);
    offsetSecs = digits(s, pos + 7, 2);
  } else if (rest !== 2) {
    return parseDate(s);
  }
  if ((offsetHours | offsetMinutes | offsetSecs) < 0) return parseDate(s);
  const offsetSeconds = offsetHours * 3600 + offsetMinutes * 60 + offsetSecs;
  const offsetMs = (sign === 45 ? -offsetSeconds : offsetSeconds) * 1000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs);
}

/** pg-types' int2[]/int4[] parser (postgres-array with `parseInt(entry, 10)`, NULL kept). */
const parseIntegerArray: AnyParser = /* @__PURE__ */ registry.getTypeParser(1007, 'text');

/**
 * A flat array of plain integers, `{1,-2,3}`, is split directly; anything else (NULLs, nested
 * arrays, empty input) goes to postgres-array.
 */
export function fastParseIntegerArray(s: string): unknown {
  const length = s.length;
  if (length < 2 || s.charCodeAt(0) !== 123 /* { */ || s.charCodeAt(length - 1) !== 125 /* } */) {
    return parseIntegerArray(s);
  }
  const out: number[] = [];
  if (length === 2) return out;
  let value = 0;
  let negative = false;
  let digitsSeen = 0;
  for (let i = 1; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c >= ZERO && c <= ZERO + 9) {
      value = value * 10 + (c - ZERO);
      digitsSeen++;
    } else if (c === 45 /* - */ && digitsSeen === 0 && !negative) {
      negative = true;
    } else if ((c === 44 /* , */ || c === 125) && digitsSeen > 0 && digitsSeen < 16) {
      out.push(negative ? -value : value);
      value = 0;
      negative = false;
      digitsSeen = 0;
    } else {
      return parseIntegerArray(s);
    }
  }
  return out;
}

/** pg-types' fallback for every type it has no parser for (text, varchar, numeric…): `String(v)`. */
const noParse: AnyParser = /* @__PURE__ */ registry.getTypeParser(-1, 'text');

/** Text values arrive as strings, which `String` returns unchanged: skip the call. */
export function fastNoParse(value: unknown): unknown {
  return typeof value === 'string' ? value : noParse(value);
}

/** pg-types' int8 parser: its `/^\d+$/` test picks between two equal strings when given a string. */
const parseBigInteger: AnyParser = /* @__PURE__ */ registry.getTypeParser(20, 'text');

export function fastParseBigInteger(value: unknown): unknown {
  return typeof value === 'string' ? value : parseBigInteger(value);
}

/**
 * The parser to run for a column: a faster equivalent of pg-types' own, or the parser itself.
 * Only text-format columns are replaced: binary ones hand bytes to their parser.
 */
export function optimizedParser(parser: AnyParser, format = 'text'): AnyParser {
  if (format !== 'text') return parser;
  if (parser === parseIntegerArray) return fastParseIntegerArray;
  return optimizedScalarParser(parser);
}

/**
 * `optimizedParser` for text columns without the array parser: what the HTTP path uses, where
 * every byte of bundle counts (bundlers drop the rest of this module, its constants are pure).
 */
export function optimizedScalarParser(parser: AnyParser): AnyParser {
  if (parser === noParse) return fastNoParse;
  if (parser === parseBigInteger) return fastParseBigInteger;
  if (parser === parseDate) return fastParseDate;
  return parser;
}
