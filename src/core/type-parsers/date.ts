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

/** What Postgres prints for every ordinary date or timestamp (a year from 0100 to 9999, AD). */
const ORDINARY = /^(?!00)\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d(?::\d\d){0,2})?)?$/;

/** The two digits at `i` (48 is '0': 48 * 10 + 48 = 528). */
const two = (s: string, i: number): number => s.charCodeAt(i) * 10 + s.charCodeAt(i + 1) - 528;

/** Ordinary text is read here from fixed positions, checked by one regex test; the rest by `parseDateText`. */
export function parseDate(s: string): unknown {
  if (!ORDINARY.test(s)) return parseDateText(s);
  const year = two(s, 0) * 100 + two(s, 2);
  const month = two(s, 5) - 1;
  const day = two(s, 8);
  const length = s.length;
  if (length === 10) return new Date(year, month, day);
  // The offset's sign, if any, is the first '+' (43) or '-' (45) after the seconds: '.' (46) and
  // digits have higher codes. `fraction / scale` is the correctly rounded value of the digits, as
  // parseFloat's is, while both are exact doubles (up to 15 digits); longer ones use parseFloat.
  let sign = 19;
  let fraction = 0;
  let scale = 1;
  for (; sign < length; sign++) {
    const c = s.charCodeAt(sign);
    if (c < 46) break;
    if (c > 46) {
      fraction = fraction * 10 + c - 48;
      scale *= 10;
    }
  }
  const ms = 1000 * (scale > 1e15 ? Number.parseFloat(s.slice(19, sign)) : fraction / scale);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  if (sign === length) return new Date(year, month, day, hour, minute, second, ms);
  const rest = length - sign;
  const offset =
    (two(s, sign + 1) * 3600 + (rest > 3 ? two(s, sign + 4) * 60 : 0) + (rest > 6 ? two(s, sign + 7) : 0)) *
    1000;
  return new Date(
    Date.UTC(year, month, day, hour, minute, second, ms) - (s.charCodeAt(sign) === 45 ? -offset : offset),
  );
}

// Deliberately unanchored at the start, and `.*?` after the seconds, as postgres-date reads. A
// date alone has empty time groups, so both give the same groups (8 is BC).
const DATE_TIME = /(\d+)-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?.*?( BC)?$/;
const DATE_ONLY = /^(\d+)-(\d\d)-(\d\d)()()()()( BC)?$/;
const ZONE = /([Z+-])(\d\d)?:?(\d\d)?:?(\d\d)?/;

/** Every form postgres-date reads, by the rules at the top of this file. */
export function parseDateText(s: string): unknown {
  if (/^-?infinity$/.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  const m = DATE_TIME.exec(s) || DATE_ONLY.exec(s);
  if (!m) return null;
  // `1 BC` is year 0 in the proleptic Gregorian calendar JavaScript uses.
  const year = m[8] ? 1 - +m[1] : +m[1];
  const time = [
    year,
    +m[2] - 1,
    +m[3],
    +m[4],
    +m[5],
    +m[6],
    m[7] ? 1000 * Number.parseFloat(m[7]) : 0,
  ] as const;
  // The offset in milliseconds, or undefined for local time (a date alone never has one).
  const zone = ZONE.exec(s.split(' ')[1] ?? '');
  const offset = s.endsWith('+00')
    ? 0
    : zone &&
      (zone[1] === 'Z'
        ? 0
        : (zone[1] === '-' ? -1000 : 1000) * (+zone[2] * 3600 + +(zone[3] ?? 0) * 60 + +(zone[4] ?? 0)));
  // Date and Date.UTC read years 0–99 as 1900–1999: set the year again.
  const early = year >= 0 && year < 100;
  if (offset === null) {
    const local = new Date(...time);
    if (early) local.setFullYear(year);
    return local;
  }
  const date = new Date(Date.UTC(...time));
  if (early) date.setUTCFullYear(year);
  date.setTime(date.getTime() - offset);
  return date;
}
