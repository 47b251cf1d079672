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

const GROUPS: ReadonlyArray<readonly [Part, number, boolean]> = [
  // [part, group, negated by the time sign]
  ['years', 1, false],
  ['months', 2, false],
  ['days', 3, false],
  ['hours', 5, true],
  ['minutes', 6, true],
  ['seconds', 7, true],
  ['milliseconds', 8, true],
];

const POSTGRES_UNITS: readonly Part[] = ['seconds', 'minutes', 'hours', 'days', 'months', 'years'];
const ISO_DATE: ReadonlyArray<readonly [Part, string]> = [
  ['years', 'Y'],
  ['months', 'M'],
  ['days', 'D'],
];
const ISO_TIME: ReadonlyArray<readonly [Part, string]> = [
  ['hours', 'H'],
  ['minutes', 'M'],
  ['seconds', 'S'],
];

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
    for (const [part, group, signed] of GROUPS) {
      const text = match[group];
      if (!text) continue;
      // The fraction holds microseconds with trailing zeros left out.
      const value = part === 'milliseconds' ? Number(text.padEnd(6, '0')) / 1000 : Number.parseInt(text, 10);
      if (!value) continue;
      this[part] = negative && signed ? -value : value;
    }
  }

  /** Postgres input text, e.g. `3 seconds 2 hours 1 years` (units in this order, as there). */
  toPostgres(): string {
    const units = POSTGRES_UNITS.filter((unit) => Object.hasOwn(this, unit));
    if (this.milliseconds && !units.includes('seconds')) units.push('seconds');
    if (units.length === 0) return '0';
    return units.map((unit) => `${this.#amount(unit, /\.?0+$/)} ${unit}`).join(' ');
  }

  /** ISO 8601 duration, every part written, e.g. `P1Y0M0DT2H0M3S`. */
  toISOString(): string {
    const part = ([unit, letter]: readonly [Part, string]) => `${this.#amount(unit, /0+$/)}${letter}`;
    return `P${ISO_DATE.map(part).join('')}T${ISO_TIME.map(part).join('')}`;
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
