/**
 * interval text, as postgres-interval 1.2.0 (pg-types 2.2.0's parser) reads it: an object with
 * the non-zero parts among `years`, `months`, `days`, `hours`, `minutes`, `seconds` and
 * `milliseconds` (microsecond digits become fractional milliseconds), a `-` before the time
 * making every time part negative, and its `toPostgres()` and `toISO()`/`toISOString()`.
 * Only Postgres' default `IntervalStyle` (postgres) is understood, as there: text it cannot read
 * gives an interval with no parts.
 */

type Part = 'years' | 'months' | 'days' | 'hours' | 'minutes' | 'seconds' | 'milliseconds';

// Groups: 1 years, 2 months, 3 days, 4 time sign, 5 hours, 6 minutes, 7 seconds, 8 fraction.
// Every part is optional, so this always matches at the start (possibly nothing).
const INTERVAL =
  /^(?:([+-]?\d+)\s+years?)?\s*(?:([+-]?\d+)\s+mons?)?\s*(?:([+-]?\d+)\s+days?)?\s*(?:([+-])?(\d*):(\d\d):(\d\d)\.?(\d{1,6})?)?/;

/** The parts in group order, skipping the sign; the last four are negated by a `-` time sign. */
const PARTS = 'years months days hours minutes seconds milliseconds'.split(' ') as Part[];

/** The class name is postgres-interval's, so the parsed objects look the same to code and tests. */
export class PostgresInterval {
  declare years?: number;
  declare months?: number;
  declare days?: number;
  declare hours?: number;
  declare minutes?: number;
  declare seconds?: number;
  declare milliseconds?: number;

  constructor(raw: string) {
    if (!raw) return;
    const match = INTERVAL.exec(raw) as RegExpExecArray;
    PARTS.forEach((part, i) => {
      const text = match[i < 3 ? i + 1 : i + 2];
      // The fraction holds microseconds with trailing zeros left out.
      const value = text && (i > 5 ? +text.padEnd(6, '0') / 1000 : Number.parseInt(text, 10));
      if (value) this[part] = match[4] === '-' && i > 2 ? -value : value;
    });
  }

  /** Postgres input text, e.g. `3 seconds 2 hours 1 years` (seconds first, years last, as there). */
  toPostgres(): string {
    const units = PARTS.slice(0, 6)
      .reverse()
      .filter((unit) => Object.hasOwn(this, unit));
    if (this.milliseconds && !units.includes('seconds')) units.push('seconds');
    return units.map((unit) => `${this.#amount(unit, /\.?0+$/)} ${unit}`).join(' ') || '0';
  }

  /** ISO 8601 duration, every part written, e.g. `P1Y0M0DT2H0M3S`. */
  toISOString(): string {
    return `P${PARTS.slice(0, 6)
      .map((unit, i) => `${i === 3 ? 'T' : ''}${this.#amount(unit, /0+$/)}${'YMDHMS'[i]}`)
      .join('')}`;
  }

  /** The same as `toISOString()`. */
  toISO(): string {
    return this.toISOString();
  }

  /** A part's value; seconds with the milliseconds as six decimals, trailing zeros cut by `trim`. */
  #amount(unit: Part, trim: RegExp): number | string {
    const value = this[unit] || 0;
    if (unit !== 'seconds' || !this.milliseconds) return value;
    return (value + this.milliseconds / 1000).toFixed(6).replace(trim, '');
  }
}

export function parseInterval(value: string): PostgresInterval {
  return new PostgresInterval(value);
}
