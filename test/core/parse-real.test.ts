/**
 * Parsing the text output of real queries: our Result (object and array rows) must give values
 * identical to pg's for the same server output. The raw text and field descriptions come from
 * the test PostgreSQL through pg with an identity parser.
 */
import fc from 'fast-check';
import type { Client as PgClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FieldDef, Result } from '../../src/core/index.js';
import { sampleQueries } from '../fixtures/sample-values.js';
import { connectionString } from '../setup/pg.js';
import { pg } from './oracle.js';
import { describeValue } from './parsed-value.js';

const rawTypes = { getTypeParser: () => (value: string) => value };
let client: PgClient;

beforeAll(async () => {
  client = new pg.Client(connectionString('superuser'));
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

async function compare(text: string, values?: unknown[]) {
  const expected = await client.query({ text, values });
  const raw = await client.query({ text, values, types: rawTypes, rowMode: 'array' });
  for (const rowMode of [undefined, 'array'] as const) {
    const ours = new Result(rowMode);
    ours.addFields(raw.fields as FieldDef[]);
    const theirs = rowMode ? await client.query({ text, values, rowMode }) : expected;
    const rows = (raw.rows as (string | null)[][]).map((row) => ours.parseRow(row));
    // Described, so our interval class compares with postgres-interval's by name and content.
    expect(describeValue(rows), `${rowMode ?? 'object'} rows of: ${text}`).toStrictEqual(
      describeValue(theirs.rows),
    );
  }
}

describe('parsing real server output equals pg', () => {
  for (const sample of sampleQueries) {
    it(sample.name, async () => {
      await compare(sample.text, sample.values);
    });
  }

  it('random values sent through the server (property-based)', async () => {
    const typed = fc.oneof(
      fc.integer({ min: -2147483648, max: 2147483647 }).map((v) => ['int4', v] as const),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((v) => ['int8', v] as const),
      fc.double({ noNaN: false }).map((v) => ['float8', v] as const),
      fc.string({ unit: 'grapheme' }).map((v) => ['text', v] as const),
      fc
        .date({ min: new Date(-62135596800000), max: new Date(253402300799999), noInvalidDate: true })
        .map((v) => ['timestamptz', v] as const),
      fc
        .date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })
        .map((v) => ['timestamp', v] as const),
      fc
        .date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })
        .map((v) => ['date', v] as const),
      fc.jsonValue().map((v) => ['jsonb', JSON.stringify(v)] as const),
      fc
        .array(fc.option(fc.integer({ min: -1000, max: 1000 })), { maxLength: 6 })
        .map((v) => ['int4[]', v] as const),
      fc
        .array(fc.option(fc.string({ unit: 'grapheme' })), { maxLength: 4 })
        .map((v) => ['text[]', v] as const),
      fc.uint8Array({ maxLength: 64 }).map((v) => ['bytea', Buffer.from(v)] as const),
      fc.boolean().map((v) => ['bool', v] as const),
    );
    // 25 random rows of 8 random typed values each, checked one query per row.
    const rows = fc.sample(fc.array(typed, { minLength: 1, maxLength: 8 }), { numRuns: 25, seed: 20261124 });
    for (const row of rows) {
      // Strings must not contain NUL, which Postgres text cannot store.
      const clean = row.map(([type, v]) => [type, typeof v === 'string' ? v.replace(/\0/g, '') : v] as const);
      const text = `select ${clean.map(([type], i) => `$${i + 1}::${type} as c${i}`).join(', ')}`;
      await compare(
        text,
        clean.map(([, v]) => v),
      );
    }
  });
});
