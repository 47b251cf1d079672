/**
 * The pg-ecosystem helpers against their npm originals as oracles: `utils` against
 * `pg/lib/utils.js`, `parseIntoClientConfig` against pg-connection-string's.
 */
import { createRequire } from 'node:module';
import { parseIntoClientConfig as oracleParse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { parseIntoClientConfig } from '../../src/pg/parse-into-client-config.js';
import { utils } from '../../src/pg/utils.js';

const require = createRequire(import.meta.url);
const pgUtils = require('pg/lib/utils.js') as typeof utils;

describe('utils', () => {
  it('has exactly pg’s members', () => {
    expect(Object.keys(utils)).toEqual(Object.keys(pgUtils));
  });

  it('prepareValue takes one argument, so values.map(prepareValue) is safe, as in pg', () => {
    const values = [1, 'a', [1, 2], null, { a: 1 }];
    expect(values.map(utils.prepareValue)).toEqual(values.map(pgUtils.prepareValue));
  });

  it('normalizeQueryConfig matches pg for strings, configs, values and callbacks', () => {
    const callback = () => {};
    class Config {
      text = 'SELECT 1';
      get upper() {
        return this.text.toUpperCase();
      }
    }
    const cases: [unknown, unknown?, unknown?][] = [
      ['SELECT 1'],
      ['SELECT $1', [1]],
      ['SELECT 1', callback],
      [{ text: 'SELECT $1', values: [2] }, undefined, callback],
      [{ text: 'SELECT $1' }, [3], callback],
      [new Config()],
    ];
    for (const args of cases) {
      const ours = (utils.normalizeQueryConfig as (...a: unknown[]) => object)(...args);
      const theirs = (pgUtils.normalizeQueryConfig as (...a: unknown[]) => object)(...args);
      expect(ours).toEqual(theirs);
      expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(theirs));
      // The caller's object is copied, never mutated.
      if (typeof args[0] === 'object') expect(ours).not.toBe(args[0]);
    }
  });

  it('escapes identifiers and literals as pg does', () => {
    for (const input of ['plain', 'with"quote', "it's", 'back\\slash', '']) {
      expect(utils.escapeIdentifier(input)).toBe(pgUtils.escapeIdentifier(input));
      expect(utils.escapeLiteral(input)).toBe(pgUtils.escapeLiteral(input));
    }
  });
});

describe('parseIntoClientConfig', () => {
  const corpus = [
    'postgres://user:secret@host.example:5433/db?application_name=app',
    'postgresql://host.example/db',
    'postgres://u@host/d?ssl=true&options=-c%20search_path%3Dx',
    'postgres://u@host/d?sslmode=disable',
    'postgres://u@host/d?sslmode=no-verify',
    'postgres://u:p%40ss@[::1]:6543/d',
    'socket:/var/run/postgresql?db=x&user=me',
    'postgres://host:5432',
    'postgres:///db?host=/tmp',
  ];

  it.each(corpus)('%s equals pg-connection-string', (input) => {
    expect({ ...parseIntoClientConfig(input) }).toEqual({ ...oracleParse(input) });
  });

  it('gives a ConfigError with the password redacted for a malformed string', () => {
    expect(() => parseIntoClientConfig('postgres://u:topsecret@host:notaport/db')).toThrow(ConfigError);
    try {
      parseIntoClientConfig('postgres://u:topsecret@host:notaport/db');
    } catch (error) {
      expect((error as Error).message).not.toContain('topsecret');
    }
    expect(() => parseIntoClientConfig(42 as unknown as string)).toThrow(ConfigError);
  });
});
