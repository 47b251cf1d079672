import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Result, TypeOverrides, types } from '../../src/core/index.js';
import { PgResult, pg } from './oracle.js';

const field = (name: string, dataTypeID: number, format = 'text') => ({
  name,
  tableID: 0,
  columnID: 0,
  dataTypeID,
  dataTypeSize: -1,
  dataTypeModifier: -1,
  format,
});

describe('Result equals pg Result', () => {
  const tags = [
    'SELECT 1',
    'SELECT 0',
    'INSERT 0 2',
    'INSERT 12345 1',
    'UPDATE 3',
    'DELETE 0',
    'CREATE TABLE',
    'DROP TABLE',
    'BEGIN',
    'COMMIT',
    'ROLLBACK',
    'MERGE 4',
    'COPY 1000',
    'MOVE 5',
    'FETCH 7',
    'SET',
    'select lowercase 1',
  ];
  it('parses CommandComplete tags the same way', () => {
    for (const text of tags) {
      const ours = new Result();
      const theirs = new PgResult();
      ours.addCommandComplete({ text });
      theirs.addCommandComplete({ text });
      expect([ours.command, ours.rowCount, ours.oid], text).toEqual([
        theirs.command,
        theirs.rowCount,
        theirs.oid,
      ]);
    }
    fc.assert(
      // Postgres never sends an empty tag (pg would report the command "undefined" for one).
      fc.property(fc.string({ minLength: 1 }), (text) => {
        const ours = new Result();
        const theirs = new PgResult();
        ours.addCommandComplete({ text });
        theirs.addCommandComplete({ text });
        expect([ours.command, ours.rowCount, ours.oid]).toEqual([
          theirs.command,
          theirs.rowCount,
          theirs.oid,
        ]);
      }),
    );
  });

  it('has the same own enumerable keys as pg', () => {
    expect(Object.keys(new Result())).toEqual(Object.keys(new PgResult()));
    expect(Object.keys(new Result('array'))).toEqual(Object.keys(new PgResult('array')));
  });

  it('shapes object rows and array rows like pg (duplicate names: last wins; NULL never parsed)', () => {
    const fields = [field('a', 23), field('b', 20), field('a', 16), field('j', 3802), field('n', 25)];
    const raw = [
      ['1', '9007199254740993', 't', '{"x":[1,2]}', null],
      [null, null, null, null, 'text'],
    ];
    for (const rowMode of [undefined, 'array']) {
      const ours = new Result(rowMode);
      const theirs = new PgResult(rowMode);
      ours.addFields(fields);
      theirs.addFields(fields);
      for (const row of raw) expect(ours.parseRow(row)).toStrictEqual(theirs.parseRow(row));
    }
  });

  it('builds rows like pg for awkward column names (__proto__, integer-like, constructor, repeats)', () => {
    const fields = [
      field('z', 25),
      field('__proto__', 25),
      field('2', 23),
      field('constructor', 25),
      field('1', 25),
      field('__proto__', 23),
      field('toString', 16),
    ];
    const raw = ['a', 'b', '2', 'c', 'd', '7', 't'];
    const ours = new Result();
    const theirs = new PgResult();
    ours.addFields(fields);
    theirs.addFields(fields);
    const a = ours.parseRow(raw);
    const b = theirs.parseRow(raw) as object;
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
    expect(Object.getOwnPropertyDescriptors(a)).toEqual(Object.getOwnPropertyDescriptors(b));
  });

  it('uses per-result types ahead of the global registry', () => {
    const overrides = new TypeOverrides();
    overrides.setTypeParser(23, (v) => `int:${v}`);
    const ours = new Result(undefined, overrides);
    ours.addFields([field('a', 23), field('b', 21)]);
    expect(ours.parseRow(['5', '6'])).toStrictEqual({ a: 'int:5', b: 6 });
  });

  it('hands binary columns to the binary parser as bytes, as pg does', () => {
    const ours = new Result();
    const theirs = new PgResult();
    ours.addFields([field('b', 25, 'binary')]);
    theirs.addFields([field('b', 25, 'binary')]);
    expect(ours.parseRow(['hello'])).toStrictEqual(theirs.parseRow(['hello']));
  });
});

describe('types registry', () => {
  it('is edgepg’s own, with pg-types’ module shape (type-registry.test.ts compares the parsers)', () => {
    expect(types).not.toBe(pg.types);
    expect(Object.keys(types)).toEqual(Object.keys(pg.types));
  });

  it('TypeOverrides falls back like pg and supports both setTypeParser forms', () => {
    const ours = new TypeOverrides();
    const theirs = new pg.TypeOverrides();
    ours.setTypeParser(1700, 'text', Number);
    theirs.setTypeParser(1700, 'text', Number);
    ours.setTypeParser(701, (v) => `f${v}`);
    for (const oid of [16, 20, 23, 701, 1700, 1082, 99999]) {
      expect(ours.getTypeParser(oid)('1')).toStrictEqual(
        oid === 701 ? 'f1' : (theirs.getTypeParser(oid) as unknown as (v: string) => unknown)('1'),
      );
    }
    // pg-types' binary numeric parser, reached through the fallback: same value for the same bytes.
    const numeric = Buffer.from([0, 2, 0, 1, 0, 0, 0, 4, 0, 12, 13, 128]);
    const theirsNumeric = theirs.getTypeParser(1700, 'binary') as unknown as (bytes: Buffer) => unknown;
    expect(ours.getTypeParser(1700, 'binary')(numeric)).toBe(theirsNumeric(numeric));
  });
});
