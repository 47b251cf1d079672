/**
 * The binary-format parsers pg-types 2.2.0 registers, by OID, with its exact results, including
 * where those differ from the value Postgres sent (pg users get the same):
 * - float4/float8: a zero exponent (zero, subnormals, -0) gives 0; float8 NaN gives ±Infinity,
 *   float4 infinities and NaN give ±2^128 × 1.fraction;
 * - numeric: the weight is read unsigned, so values below 1 come out as ±Infinity or NaN;
 * - timestamp(tz): the sign and the 63 other bits are read apart (not two's complement) and
 *   folded into a double, in microseconds since 2000; `timestamp` is then shifted by the local
 *   offset; each Date carries `usec` and its micro-second accessors;
 * - arrays: int4/int8 elements are read unsigned, text elements as UTF-8, other element types
 *   log an error and give undefined.
 * Only the full entry reaches this module (its `types` view consults it); the HTTP entry never
 * receives binary columns, so its bundle leaves these out. Uses `Buffer` for text decoding: the
 * full entry installs the polyfill where the runtime has none.
 */
import type { AnyParser } from './text.js';

type Bytes = Uint8Array & { toString(encoding?: string, start?: number, end?: number): string };

/** The bytes read big-endian, one at a time, into a double (rounding as pg-types' arithmetic does). */
function unsignedAt(bytes: Uint8Array, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) value = value * 256 + bytes[i];
  return value;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function parseInt16(bytes: Uint8Array): number {
  return view(bytes).getInt16(0);
}

function parseInt32(bytes: Uint8Array): number {
  return view(bytes).getInt32(0);
}

/** int8 as decimal text (pg-int8). */
function parseInt64(bytes: Uint8Array): string {
  return view(bytes).getBigInt64(0).toString();
}

/**
 * IEEE 754 bits read as pg-types reads them: `±2^(exponent - bias) × 1.fraction`, exact, except
 * that a zero exponent gives 0 and the all-ones exponent is not special (float8 overflows to
 * ±Infinity, float4 gives ±2^128 × 1.fraction).
 */
function fromBits(negative: boolean, exponent: number, bias: number, mantissa: number): number {
  if (exponent === 0) return 0;
  // biome-ignore lint/style/useExponentiationOperator: Math.pow, as pg-types computes it
  return (negative ? -1 : 1) * Math.pow(2, exponent - bias) * mantissa;
}

function parseFloat32(bytes: Uint8Array): number {
  const bits = view(bytes).getUint32(0);
  return fromBits(bits >>> 31 === 1, (bits >>> 23) & 0xff, 127, 1 + (bits & 0x7fffff) / 0x800000);
}

function parseFloat64(bytes: Uint8Array): number {
  const data = view(bytes);
  const high = data.getUint32(0);
  const fraction = (high & 0xfffff) * 0x100000000 + data.getUint32(4);
  return fromBits(high >>> 31 === 1, (high >>> 20) & 0x7ff, 1023, 1 + fraction / 2 ** 52);
}

function parseNumeric(bytes: Uint8Array): number {
  const sign = unsignedAt(bytes, 4, 2);
  if (sign === 0xc000) return Number.NaN;
  const digitCount = unsignedAt(bytes, 0, 2);
  // biome-ignore lint/style/useExponentiationOperator: Math.pow, as pg-types computes it
  let weight = Math.pow(10000, unsignedAt(bytes, 2, 2));
  let result = 0;
  for (let i = 0; i < digitCount; i++) {
    result += unsignedAt(bytes, 8 + 2 * i, 2) * weight;
    weight /= 10000;
  }
  // biome-ignore lint/style/useExponentiationOperator: Math.pow, as pg-types computes it
  const scale = Math.pow(10, unsignedAt(bytes, 6, 2));
  return ((sign === 0 ? 1 : -1) * Math.round(result * scale)) / scale;
}

interface MicrosecondDate extends Date {
  usec: number;
  getMicroSeconds(): number;
  setMicroSeconds(value: number): void;
  getUTCMicroSeconds(): number;
}

function timestampParser(utc: boolean): AnyParser {
  return (bytes: Uint8Array): MicrosecondDate => {
    const micros = foldTimestamp(bytes);
    const date = new Date(((bytes[0] & 0x80 ? -1 : 1) * micros) / 1000 + 946684800000) as MicrosecondDate;
    if (!utc) date.setTime(date.getTime() + date.getTimezoneOffset() * 60000);
    date.usec = micros % 1000;
    date.getMicroSeconds = function (this: MicrosecondDate) {
      return this.usec;
    };
    date.setMicroSeconds = function (this: MicrosecondDate, value: number) {
      this.usec = value;
    };
    date.getUTCMicroSeconds = function (this: MicrosecondDate) {
      return this.usec;
    };
    return date;
  };
}

/** The 63 bits after the sign, folded byte by byte as pg-types does. */
function foldTimestamp(bytes: Uint8Array): number {
  let value = bytes[0] & 0x7f;
  for (let i = 1; i < 8; i++) value = value * 256 + bytes[i];
  return value;
}

function parseArray(bytes: Bytes): unknown[] {
  const dimensionCount = unsignedAt(bytes, 0, 4);
  const elementType = unsignedAt(bytes, 8, 4);
  let offset = 12;
  const lengths: number[] = [];
  for (let i = 0; i < dimensionCount; i++) {
    lengths.push(unsignedAt(bytes, offset, 4));
    offset += 8; // the lower bound is ignored
  }
  const element = (): unknown => {
    const length = unsignedAt(bytes, offset, 4);
    offset += 4;
    if (length === 0xffffffff) return null;
    if (elementType === 23 || elementType === 20) {
      const value = unsignedAt(bytes, offset, length);
      offset += length;
      return value;
    }
    if (elementType === 25) {
      const value = bytes.toString(undefined, offset, offset + length);
      offset += length;
      return value;
    }
    console.log(`ERROR: ElementType not implemented: ${elementType}`);
    return undefined;
  };
  const level = (dimension: number): unknown[] => {
    const out: unknown[] = [];
    const count = lengths[dimension];
    for (let i = 0; i < count; i++)
      out[i] = dimension < lengths.length - 1 ? level(dimension + 1) : element();
    return out;
  };
  return level(0);
}

function parseText(bytes: Bytes): string {
  return bytes.toString('utf8');
}

function parseBool(bytes: Uint8Array | null): boolean | null {
  if (bytes === null) return null;
  return bytes[0] > 0;
}

/** pg-types' binary parsers, by OID. */
export const binaryParsers: Readonly<Record<number, AnyParser>> = {
  16: parseBool,
  20: parseInt64,
  21: parseInt16,
  23: parseInt32,
  25: parseText,
  26: parseInt32,
  700: parseFloat32,
  701: parseFloat64,
  1000: parseArray,
  1007: parseArray,
  1008: parseArray,
  1009: parseArray,
  1016: parseArray,
  1114: timestampParser(false),
  1184: timestampParser(true),
  1700: parseNumeric,
};
