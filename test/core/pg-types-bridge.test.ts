/**
 * Code written for pg may set parsers on the installed `pg-types` module itself (pg's `types` is
 * that module); the full entry's registry honours them, unless the app set one on edgepg's.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { registryState } from '../../src/core/type-parsers/registry.js';
import { types } from '../../src/core/types-full.js';
import { clientConfig } from '../setup/pg.js';

type Parser = (value: string) => unknown;
const pgTypes = createRequire(import.meta.url)('pg-types') as {
  getTypeParser(oid: number, format?: string): Parser;
  setTypeParser(oid: number, parser: Parser): void;
};
const numericDefault = pgTypes.getTypeParser(1700);
const dateDefault = pgTypes.getTypeParser(1082);
const oursBefore = types.getTypeParser(1082);

afterEach(() => {
  pgTypes.setTypeParser(1700, numericDefault);
  pgTypes.setTypeParser(1082, dateDefault);
  types.setTypeParser(1082, oursBefore);
  registryState.userSet?.delete('text:1082');
});

describe('parsers set on the installed pg-types module', () => {
  it('reach the full registry and a Client, as with pg', async () => {
    expect(types.getTypeParser(1700)('1.5')).toBe('1.5');
    pgTypes.setTypeParser(1700, Number.parseFloat);
    expect(types.getTypeParser(1700)('1.5')).toBe(1.5);
    const client = new Client(clientConfig('trust'));
    await client.connect();
    try {
      const { rows } = await client.query('select $1::numeric as n', ['1.5']);
      expect(rows).toEqual([{ n: 1.5 }]);
    } finally {
      await client.end();
    }
    // Back to pg-types' default: ours again.
    pgTypes.setTypeParser(1700, numericDefault);
    expect(types.getTypeParser(1700)('1.5')).toBe('1.5');
  });

  it("lose to a parser set on edgepg's registry", () => {
    pgTypes.setTypeParser(1082, () => 'theirs');
    expect(types.getTypeParser(1082)('2024-01-02')).toBe('theirs');
    types.setTypeParser(1082, () => 'ours');
    expect(types.getTypeParser(1082)('2024-01-02')).toBe('ours');
  });
});
