/**
 * Parameter serialisation with pg's `utils.prepareValue` semantics, so a value sent through
 * edgepg reaches Postgres as exactly the same text (or bytes) as through `pg`:
 *
 * | input                         | sent as                                              |
 * | ----------------------------- | ---------------------------------------------------- |
 * | null, undefined               | NULL                                                 |
 * | Buffer / other ArrayBuffer view | the bytes (binary format)                          |
 * | Date                          | local time with offset (UTC with `parseInputDatesAsUTC`) |
 * | Array                         | a Postgres array literal, elements quoted and escaped |
 * | object with `toPostgres()`    | its result, prepared again                           |
 * | other object                  | `JSON.stringify`                                     |
 * | number, boolean, bigint, string | `String(value)`                                    |
 *
 * Where pg would send garbage or crash the process (an invalid Date, a function, a symbol, a
 * cyclic array or object) we throw a `ParameterError` that says which value was wrong instead.
 */
import { ParameterError } from './errors.js';

/**
 * Where `parseInputDatesAsUTC` is read: pg's `defaults` object, which registers itself (with the
 * UTC formatter) when core/defaults.ts loads. Only code that can reach `defaults` can set the
 * flag, so the HTTP-only entry (which does not export it) leaves that module, the formatter and
 * their bytes out. The registration is realm-wide (a `Symbol.for` key on `globalThis`): the
 * separately built `edgepg/http` honours `defaults` set through `edgepg` or `edgepg/pg`.
 */
interface DateSettings {
  readonly settings: { readonly parseInputDatesAsUTC: boolean };
  readonly formatUTC: (date: Date) => string;
}
const DATE_SETTINGS = Symbol.for('edgepg.date-settings@1');
const realm = globalThis as unknown as { [DATE_SETTINGS]?: DateSettings };

export function readDateSettingsFrom(
  settings: { readonly parseInputDatesAsUTC: boolean },
  utcFormatter: (date: Date) => string,
): void {
  // The first copy loaded in the realm keeps it: `defaults` is a realm singleton too.
  realm[DATE_SETTINGS] ??= { settings, formatUTC: utcFormatter };
}

/**
 * What a parameter becomes on the wire: text, bytes, or NULL. Bytes are the caller's own
 * `Uint8Array` (a `Buffer` stays a `Buffer`; other views are re-viewed as bytes without a copy),
 * so this module needs no `Buffer`: the HTTP entry runs without the polyfill.
 */
export type PreparedValue = string | Uint8Array | null;

/** A value with a custom serialisation, as pg's `toPostgres` protocol defines it. */
export interface ToPostgres {
  toPostgres(prepareValue: (value: unknown) => PreparedValue): unknown;
}

export function prepareValue(value: unknown): PreparedValue {
  return prepare(value, undefined, prepareValue);
}

/** What `toPostgres(prepareValue)` is handed: the caller's own `prepareValue` (pg's returns Buffers). */
type ToPostgresCallback = (value: unknown) => unknown;

/**
 * `prepareValue` whose `toPostgres` callbacks receive `self` instead of the value core's own:
 * the wire paths pass their Buffer-returning variant, as pg passes its `prepareValue`.
 */
export function prepareValueFor(value: unknown, self: ToPostgresCallback): PreparedValue {
  return prepare(value, undefined, self);
}

function prepare(value: unknown, seen: unknown[] | undefined, self: ToPostgresCallback): PreparedValue {
  if (value == null) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return value.toString();
    case 'function':
    case 'symbol':
      throw new ParameterError(`Cannot send a ${typeof value} as a query parameter: ${describe(value)}`);
  }
  if (ArrayBuffer.isView(value)) return bytesOf(value);
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      throw new ParameterError('Cannot send an invalid Date as a query parameter');
    }
    const dates = realm[DATE_SETTINGS];
    return dates?.settings.parseInputDatesAsUTC ? dates.formatUTC(value) : dateToString(value);
  }
  if (Array.isArray(value)) return arrayLiteral(value, [], self);
  return prepareObject(value as object, seen, self);
}

function prepareObject(value: object, seen: unknown[] | undefined, self: ToPostgresCallback): PreparedValue {
  const toPostgres = (value as Partial<ToPostgres>).toPostgres;
  if (typeof toPostgres === 'function') {
    const chain = seen ?? [];
    if (chain.includes(value)) {
      throw new ParameterError(`circular reference detected while preparing "${describe(value)}" for query`);
    }
    chain.push(value);
    return prepare(toPostgres.call(value, self as (value: unknown) => PreparedValue), chain, self);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch (cause) {
    throw new ParameterError(`Cannot serialise a query parameter as JSON: ${(cause as Error).message}`, {
      cause,
    });
  }
  // JSON.stringify gives undefined for objects whose toJSON() returns undefined; pg sends NULL.
  return json ?? null;
}

/**
 * Postgres array literal: `{"1",NULL,"a\"b",{"2","3"}}`. Every element is quoted so that its
 * text is taken literally whatever the element type; bytes become `\\x<hex>` (a bytea escape
 * inside an array literal).
 */
function arrayLiteral(array: readonly unknown[], parents: unknown[], self: ToPostgresCallback): string {
  if (parents.includes(array)) {
    throw new ParameterError('circular reference detected while preparing an array for query');
  }
  parents.push(array);
  let out = '{';
  for (let i = 0; i < array.length; i++) {
    if (i > 0) out += ',';
    const item = array[i];
    if (item == null) {
      out += 'NULL';
    } else if (Array.isArray(item)) {
      out += arrayLiteral(item, parents, self);
    } else if (ArrayBuffer.isView(item)) {
      out += `\\\\x${bytesToHex(bytesOf(item))}`;
    } else {
      const text = prepare(item, undefined, self);
      // A toPostgres() that yields null means NULL (pg would crash on it).
      out +=
        text === null ? 'NULL' : typeof text === 'string' ? quoteElement(text) : `\\\\x${bytesToHex(text)}`;
    }
  }
  parents.pop();
  return `${out}}`;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

const HEX_DIGITS = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]; // 0-9a-f

/**
 * Lower-case hex of the bytes, as `Buffer#toString('hex')` writes it, without `Buffer`: the
 * digits' ASCII codes go into one array decoded once (within 2× of Buffer's native encoder on
 * megabytes; appending two-character strings per byte was 20× slower).
 */
export function bytesToHex(bytes: Uint8Array): string {
  const ascii = new Uint8Array(bytes.length * 2);
  for (let i = 0, j = 0; i < bytes.length; i++) {
    ascii[j++] = HEX_DIGITS[bytes[i] >> 4];
    ascii[j++] = HEX_DIGITS[bytes[i] & 15];
  }
  return new TextDecoder().decode(ascii);
}

function quoteElement(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Local time with its UTC offset, e.g. `2024-01-02T03:04:05.006+01:00`; BC years get ` BC`. */
export function dateToString(date: Date): string {
  let year = date.getFullYear();
  const bc = year < 1;
  // Year 0 is 1 BC: negative JS years are one off their BC representation.
  if (bc) year = Math.abs(year) + 1;
  let offset = -date.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  offset = Math.abs(offset);
  return (
    `${pad(year, 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}${bc ? ' BC' : ''}`
  );
}

/** UTC time, e.g. `2024-01-02T03:04:05.006+00:00`; BC years get ` BC`. */
export function dateToStringUTC(date: Date): string {
  let year = date.getUTCFullYear();
  const bc = year < 1;
  if (bc) year = Math.abs(year) + 1;
  return (
    `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}` +
    `+00:00${bc ? ' BC' : ''}`
  );
}

function describe(value: unknown): string {
  try {
    const text = String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
