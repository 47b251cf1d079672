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
const PARTS: readonly Part[] = ['years', 'months', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'];
/** ISO 8601 letters of the first six parts. */
const ISO_LETTERS = 'YMDHMS';

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
    const negative = match[4] === '-';
    for (let i = 0; i < PARTS.length; i++) {
      const part = PARTS[i];
      const text = match[i < 3 ? i + 1 : i + 2];
      if (!text) continue;
      // The fraction holds microseconds with trailing zeros left out.
      const value = part === 'milliseconds' ? Number(text.padEnd(6, '0')) / 1000 : Number.parseInt(text, 10);
      if (!value) continue;
      this[part] = negative && i > 2 ? -value : value;
    }
  }

  /** Postgres input text, e.g. `3 seconds 2 hours 1 years` (units in this order, as there). */
  toPostgres(): string {
    // Seconds first, years last, as postgres-interval writes them.
    const units = PARTS.slice(0, 6)
      .reverse()
      .filter((unit) => Object.hasOwn(this, unit));
    if (this.milliseconds && !units.includes('seconds')) units.push('seconds');
    if (units.length === 0) return '0';
    return units.map((unit) => `${this.#amount(unit, /\.?0+$/)} ${unit}`).join(' ');
  }

  /** ISO 8601 duration, every part written, e.g. `P1Y0M0DT2H0M3S`. */
  toISOString(): string {
    const part = (unit: Part, i: number) => `${this.#amount(unit, /0+$/)}${ISO_LETTERS[i]}`;
    return `P${PARTS.slice(0, 3).map(part).join('')}T${PARTS.slice(3, 6)
      .map((unit, i) => part(unit, i + 3))
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
