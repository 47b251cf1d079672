// Compiled by test/build/dist.test.ts against the published types (resolved through `exports`).
import { ConfigError, type FieldDef, prepareValue, Result, TypeOverrides, types } from 'edgepg';

const value: string | Buffer | null = prepareValue([1, 2]);
const result = new Result<{ a: number }>();
const fields: FieldDef[] = result.fields;
const overrides = new TypeOverrides(types);
overrides.setTypeParser(20, (v: string) => BigInt(v));
const err: Error = new ConfigError('x');

export { err, fields, value };
