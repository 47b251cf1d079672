/**
 * A parsed value as plain data, so values from two implementations of the same parsers (ours and
 * pg-types') compare with `toStrictEqual` although their classes are different objects: class
 * names, own keys in order, Date times (an invalid Date as 'Invalid Date'), bytes, interval
 * method outputs, and what a Date's micro-second accessors return.
 */
export function describeValue(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'function') return { function: value.name === '' ? 'anonymous' : 'named' };
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(describeValue);
  const className = Object.getPrototypeOf(value)?.constructor?.name ?? null;
  if (value instanceof Uint8Array) return { className, bytes: Array.from(value) };
  const own: Record<string, unknown> = {};
  for (const key of Object.keys(value)) own[key] = describeValue((value as Record<string, unknown>)[key]);
  const described: Record<string, unknown> = { className, own };
  if (value instanceof Date) {
    const time = value.getTime();
    described.time = Number.isNaN(time) ? 'Invalid Date' : time;
    const micro = value as Date & { getMicroSeconds?(): number; getUTCMicroSeconds?(): number };
    if (micro.getMicroSeconds) described.micro = [micro.getMicroSeconds(), micro.getUTCMicroSeconds?.()];
  }
  const interval = value as { toPostgres?(): string; toISO?(): string; toISOString?(): string };
  if (className === 'PostgresInterval') {
    described.methods = [interval.toPostgres?.(), interval.toISO?.(), interval.toISOString?.()];
  }
  return described;
}

/** What calling `parse(input)` gives, described; a throw as `{ threw: true }`. */
export function outcome(parse: (input: never) => unknown, input: unknown): unknown {
  try {
    return { value: describeValue(parse(input as never)) };
  } catch {
    return { threw: true };
  }
}
