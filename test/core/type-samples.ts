/**
 * SQL that makes many values of each type pg-types 2.2.0 has a parser for, keyed by the type's
 * OID; each query returns one column of that type. type-registry.test.ts fetches them as text
 * (under several time zones and both bytea output formats) and, through the types' `*send`
 * functions, as the binary format.
 */
const strings = `array['plain', 'with,comma', 'with"quote', 'back\\slash', 'NULL', 'null', '', ' spaced ', '{braces}', 'ü€😀', E'tab\\tnl\\n', 'a\\\\"b', null]`;
const timestamps = `select timestamp '2000-01-01' + (i - 2000) * interval '367 days 3 hours 7 minutes 11.123457 seconds' from generate_series(0, 4000, 7) i
  union all select v::timestamp from unnest(array['infinity', '-infinity', '0001-01-01 00:00:00 BC', '4713-01-01 00:00:00 BC', '0099-12-31 23:59:59.999999', '0100-01-01 00:00:00', '1970-01-01 00:00:00.000001', '294276-12-30 23:59:59.999999', '2024-03-10 02:30:00', '2024-11-03 01:30:00']) v`;
const dates = `select date '2000-01-01' + (i * 397 - 800000) from generate_series(0, 4000, 3) i
  union all select v::date from unnest(array['infinity', '-infinity', '4713-01-01 BC', '0001-01-01 BC', '0099-12-31', '0100-01-01', '5874897-12-31']) v`;
const intervals = `select make_interval(years => i % 5 - 2, months => i % 13 - 6, days => i % 40 - 20, hours => i % 30 - 15, mins => i % 61 - 30, secs => (i % 1000 - 500) / 7.0) from generate_series(0, 400) i
  union all select v::interval from unnest(array['0', '-00:00:00.000001', '00:00:00.5', '1000000 hours', '-1 days +02:03:04.5', '1 year', '-2 mons', '3 days', '-177000000 years', '1 day -00:00:01', '-1.5 seconds', '123:00:00']) v`;
const byteas = `select decode(md5(i::text), 'hex') || decode(repeat('5c', i % 4), 'hex') || decode(repeat('00ff27', i % 3), 'hex') from generate_series(0, 60) i
  union all select string_agg(set_byte('\\x00'::bytea, 0, b), ''::bytea order by b) from generate_series(0, 255) b
  union all select '\\x'::bytea`;
const floats = `array['0', '-0', '1.5', '-2.25', 'NaN', 'Infinity', '-Infinity', '1e-40', '3.4e38', '1e-310', '1.7976931348623157e308', '0.1', '123456789.123456789']`;

export const typeSamples: Record<number, string[]> = {
  16: ['select v from (values (true), (false)) t(v)'],
  17: [byteas],
  20: [
    `select v from unnest(array[-9223372036854775808, 9223372036854775807, 0, 1, -1, 4294967296, 9007199254740993]::int8[]) v`,
    `select i::int8 * 922337203685477 * (case when i % 2 = 0 then 1 else -1 end) from generate_series(0, 10000, 97) i`,
  ],
  21: [
    `select v::int2 from unnest(array[-32768, 32767, 0, -1, 1]) v union all select (i * 331 - 32000)::int2 from generate_series(0, 190) i`,
  ],
  23: [
    `select v from unnest(array[-2147483648, 2147483647, 0, -1]) v union all select (i::int8 * 21474836 - 2147483600)::int4 from generate_series(0, 199) i`,
  ],
  25: [
    `select md5(i::text) || repeat(' ü€😀', i % 3) from generate_series(0, 30) i union all select unnest(${strings}) where true`,
  ],
  26: [`select v::oid from unnest(array['0', '1', '2147483647', '2147483648', '4294967295']) v`],
  114: [
    `select v::json from unnest(array['{"a":1,"b":[true,null,"x\\"y"]}', '[]', '"str"', '1.5e300', 'null', '{"nested":{"deep":[1,2,{"k":"ü"}]}}', '-0', '12345678901234567890']) v`,
  ],
  199: [
    `select array[v::json, '1'::json, null] from unnest(array['{"a":[1,2]}', '"s,t"', '[{"q":"\\""}]']) v`,
  ],
  600: [
    `select point(i * 1.5 - 20, i::float8 / 7) from generate_series(0, 30) i union all select v::point from unnest(array['(1e300,-1e-300)', '(Infinity,NaN)', '(-0,0)']) v`,
  ],
  651: [`select array['192.168.0.0/16'::cidr, '::1/128', null] union all select '{}'::cidr[]`],
  700: [
    `select v::float4 from unnest(${floats}) v where v not in ('1e-310', '1.7976931348623157e308') union all select (i * 1.1 - 50)::float4 from generate_series(0, 100) i`,
  ],
  701: [
    `select v::float8 from unnest(${floats}) v union all select (i * 1.1 - 50)::float8 / 3 from generate_series(0, 100) i`,
  ],
  718: [`select circle(point(i, -i * 0.5), i * 1.25) from generate_series(0, 20) i`],
  791: [`select array['12.34'::money, '-1000000.5'::money, null]`],
  1000: [
    `select array[true, false, null] union all select array[[true, false], [false, true]] union all select '{}'::bool[]`,
  ],
  1001: [
    `select array[decode(md5(i::text), 'hex'), '\\x'::bytea, null, '\\x5c22'::bytea, '\\x7b7d2c'::bytea] from generate_series(0, 10) i`,
  ],
  1005: [
    `select array[i, -i, null, 32767, -32768]::int2[] from generate_series(0, 10) i union all select '[0:2]={1,2,3}'::int2[]`,
  ],
  1007: [
    `select array[i, -i, 2147483647, -2147483648]::int4[] from generate_series(0, 20) i`,
    `select v::int4[] from unnest(array['{}', '{{1,2},{3,4}}', '{1,NULL,3}', '[0:2]={1,2,3}', '{{{1},{2}},{{3},{4}}}']) v`,
  ],
  1008: [`select array['int4in'::regproc, 'textout'::regproc, null]`],
  1009: [
    `select ${strings}::text[] union all select array[['a', 'b'], ['c', null]]::text[] union all select '{}'::text[]`,
  ],
  1014: [`select array['a'::char(3), 'b c', null, '"q"', '\\']`],
  1015: [`select ${strings}::varchar[]`],
  1016: [
    `select array[i * 97, -9223372036854775808, 9223372036854775807, null]::int8[] from generate_series(0, 10) i union all select '{{1,2},{3,4}}'::int8[]`,
  ],
  1017: [`select array[point(i, i + 0.5), null, point(-i, 1e10)] from generate_series(0, 10) i`],
  1021: [
    `select array_agg(v::float4) from unnest(${floats}) v where v not in ('1e-310', '1.7976931348623157e308')`,
  ],
  1022: [
    `select array_agg(v::float8) from unnest(${floats}) v union all select array[[1.5, null], [2.5, 3]]::float8[]`,
  ],
  1028: [`select array['1'::oid, '4294967295'::oid, null]`],
  1040: [`select array['08:00:2b:01:02:03'::macaddr, null]`],
  1041: [`select array['192.168.1.5/24'::inet, '::ffff:1.2.3.4', null]`],
  1082: [dates],
  1114: [timestamps],
  1115: [`select array_agg(v) from (${timestamps}) s(v) group by md5(v::text) < '8'`],
  1182: [`select array_agg(v) from (${dates}) s(v) group by md5(v::text) < '8'`],
  1183: [`select array['12:34:56.789'::time, '24:00', '00:00:00.000001', null]`],
  1184: [`select v::timestamptz from (${timestamps}) s(v)`],
  1185: [`select array_agg(v::timestamptz) from (${timestamps}) s(v) group by md5(v::text) < '8'`],
  1186: [intervals],
  1187: [`select array_agg(v) from (${intervals}) s(v) group by md5(v::text) < '4'`],
  1231: [`select array[1.23, -1e20, 'NaN', null, 0.000001, 123456789012345678901234567890.5]::numeric[]`],
  1270: [`select array['12:34:56+05:30'::timetz, '00:00:00-00:19:32', null]`],
  1700: [
    `select (i * 12.3456 - 1000)::numeric(14, 4) from generate_series(0, 200) i`,
    `select v::numeric from unnest(array['0', '0.5', '-0.5', '1e20', '-123456789.000001', 'NaN', '10000', '99999999', '0.00001']) v`,
  ],
  2951: [`select array[md5(i::text)::uuid, null] from generate_series(0, 5) i`],
  3802: [
    `select v::jsonb from unnest(array['{"a":1,"b":[true,null,"x\\"y"]}', '[]', '"str"', '1.5e300', 'null', '{"nested":{"deep":[1,2,{"k":"ü"}]}}']) v`,
  ],
  3807: [
    `select array[v::jsonb, '1'::jsonb, null] from unnest(array['{"a":[1,2]}', '"s,t"', '[{"q":"\\""}]']) v`,
  ],
  3907: [`select array[numrange(1, 2.5), 'empty'::numrange, numrange(null, 3, '[)'), null]`],
};

/** Postgres' binary output function of each type pg-types has a binary parser for. */
export const sendFunctions: Record<number, string> = {
  16: 'boolsend',
  20: 'int8send',
  21: 'int2send',
  23: 'int4send',
  25: 'textsend',
  26: 'oidsend',
  700: 'float4send',
  701: 'float8send',
  1000: 'array_send',
  1007: 'array_send',
  1008: 'array_send',
  1009: 'array_send',
  1016: 'array_send',
  1114: 'timestamp_send',
  1184: 'timestamptz_send',
  1700: 'numeric_send',
};
