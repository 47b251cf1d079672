/**
 * date, timestamp and timestamptz text, giving what postgres-date 1.0.7 (pg-types 2.2.0's
 * parser) gives: a `Date` (local time when the text has no offset), `Infinity`/`-Infinity` for
 * `infinity`, `null` for text that is no date. Its rules, kept because results must equal pg's:
 * - BC years count back from year 0 (`0044 BC` is year -43); years 0–99 are not moved to 19xx;
 * - the fraction is `1000 * parseFloat('.f…')` milliseconds (sub-millisecond digits kept);
 * - the offset is the first `Z`, `+` or `-` in the second space-separated word with up to three
 *   two-digit parts (`+05`, `-03:30`, `+05:17:32`), or 0 when the text ends in `+00`; a sign with
 *   no hours gives an invalid Date;
 * - the date and time may be surrounded by other text (`.*` after the seconds is ignored).
 */

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
 * prints for every ordinary timestamp) is read here in one pass; everything else — BC, infinity,
 * dates without a time, years before 100 or beyond 9999 — goes to `parseDateText`.
 */
export function parseDate(s: string): unknown {
  const length = s.length;
  if (
    length < 19 ||
    s.charCodeAt(4) !== 45 /* - */ ||
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 32 /* space */ ||
    s.charCodeAt(13) !== 58 /* : */ ||
    s.charCodeAt(16) !== 58
  ) {
    return parseDateText(s);
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  // `digits` gives -1 for a non-digit, and an OR of small integers is negative iff one of them is.
  if (year < 100 || (month | day | hour | minute | second) < 0) return parseDateText(s);

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
    if (scale === 1) return parseDateText(s);
    // `fraction / scale` is the correctly rounded value of the digits, as parseFloat's is, while
    // both are exact doubles (up to 15 digits); longer fractions go through parseFloat.
    ms = 1000 * (scale <= 1e15 ? fraction / scale : Number.parseFloat(s.slice(pos, end)));
    pos = end;
  }
  if (pos === length) return new Date(year, month - 1, day, hour, minute, second, ms);

  const sign = s.charCodeAt(pos);
  if (sign !== 43 /* + */ && sign !== 45 /* - */) return parseDateText(s);
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
    return parseDateText(s);
  }
  if ((offsetHours | offsetMinutes | offsetSecs) < 0) return parseDateText(s);
  const offsetSeconds = offsetHours * 3600 + offsetMinutes * 60 + offsetSecs;
  const offsetMs = (sign === 45 ? -offsetSeconds : offsetSeconds) * 1000;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMs);
}

const INFINITY = /^-?infinity$/;
// Deliberately unanchored at the start, and `.*?` after the seconds, as postgres-date reads.
const DATE_TIME = /(\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?.*?( BC)?$/;
const DATE_ONLY = /^(\d+)-(\d\d)-(\d\d)( BC)?$/;
const ZONE = /([Z+-])(\d\d)?:?(\d\d)?:?(\d\d)?/;

/** Every form postgres-date reads, by the rules at the top of this file. */
export function parseDateText(text: string): unknown {
  if (INFINITY.test(text)) return text[0] === '-' ? -Infinity : Infinity;
  const match = DATE_TIME.exec(text);
  if (!match) return parseDateOnly(text);
  const year = yearOf(match[1], match[8]);
  const month = Number(match[2]) - 1;
  const day = Number(match[3]);
  const hour = Number(match[4]);
  const minute = Number(match[5]);
  const second = Number(match[6]);
  const ms = match[7] ? 1000 * Number.parseFloat(match[7]) : 0;
  const offset = offsetMillis(text);
  if (offset === undefined) {
    const local = new Date(year, month, day, hour, minute, second, ms);
    if (year >= 0 && year < 100) local.setFullYear(year);
    return local;
  }
  const date = new Date(Date.UTC(year, month, day, hour, minute, second, ms));
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year >= 0 && year < 100) date.setUTCFullYear(year);
  if (offset !== 0) date.setTime(date.getTime() - offset);
  return date;
}

function parseDateOnly(text: string): Date | null {
  const match = DATE_ONLY.exec(text);
  if (!match) return null;
  const year = yearOf(match[1], match[4]);
  const date = new Date(year, Number(match[2]) - 1, Number(match[3]));
  if (year >= 0 && year < 100) date.setFullYear(year);
  return date;
}

/** `1 BC` is year 0 in the proleptic Gregorian calendar JavaScript uses. */
function yearOf(digitsText: string, bc: string | undefined): number {
  const year = Number.parseInt(digitsText, 10);
  return bc ? 1 - year : year;
}

/** The offset in milliseconds, or undefined for local time. */
function offsetMillis(text: string): number | undefined {
  if (text.endsWith('+00')) return 0;
  const time = text.split(' ')[1];
  const zone = time === undefined ? null : ZONE.exec(time);
  if (!zone) return undefined;
  if (zone[1] === 'Z') return 0;
  const hours = zone[2] === undefined ? Number.NaN : Number(zone[2]);
  const seconds = hours * 3600 + Number(zone[3] ?? 0) * 60 + Number(zone[4] ?? 0);
  return (zone[1] === '-' ? -seconds : seconds) * 1000;
}
