/**
 * Our connection-string parser against pg-connection-string (pg's own) as the oracle. Ours
 * keeps certificate paths for the TCP transport to read instead of reading files itself, so
 * those inputs compare everything but the file contents.
 */
import fc from 'fast-check';
import { parse } from 'pg-connection-string';
import { describe, expect, it } from 'vitest';
import { parseConnectionUrl } from '../../src/core/connection-string.js';

const plain = (o: object) => JSON.parse(JSON.stringify(o));

describe('parseConnectionUrl equals pg-connection-string', () => {
  const corpus = [
    'postgres://alice:s3cret@db.example.com:6543/app',
    'postgresql://alice@localhost/app?application_name=x&options=-c%20search_path%3Dfoo',
    'postgres://u:p@h/db?sslmode=disable',
    'postgres://u:p@h/db?sslmode=no-verify',
    'postgres://u:p@h/db?sslmode=verify-full',
    'postgres://u:p@h/db?sslmode=require&uselibpqcompat=true',
    'postgres://u:p@h/db?sslmode=prefer&uselibpqcompat=true',
    'postgres://u:p@h/db?ssl=true',
    'postgres://u:p@h/db?ssl=1',
    'postgres://u:p@h/db?ssl=0',
    'postgres://u:p@h/db?sslnegotiation=direct',
    'postgres://u:p%40ss@h:5433/d%20b',
    'postgres://u:p@[::1]:5432/db',
    'postgres://u:p@[2001:db8::1]/db',
    'postgres://user@/dbname',
    'postgres://%2Fvar%2Frun%2Fpostgresql/db',
    'postgres://u@host/db?host=/tmp/sock',
    'postgres://u@/db?host=%2Ftmp',
    'postgres://u:p@h/db?port=7777',
    'postgres://u:pass word@h/my db',
    'postgres://u:100%@h/db',
    'postgres://h',
    'postgres:///db',
    'pg://u:p@h/db',
    '/var/run/postgresql mydb',
    'socket:/tmp/pg?db=app&encoding=utf8',
    'socket://user:pw@/tmp/pg?db=app',
    'postgres://u:p@h/db?user=override&password=override2',
    'postgres://u:p@h/db?fallback_application_name=f&client_encoding=utf8&replication=database',
    'host/db',
    'postgres://ü:ñ@h/ð',
  ];
  for (const str of corpus) {
    it(str, () => {
      expect(plain(parseConnectionUrl(str))).toStrictEqual(plain(parse(str)));
    });
  }

  it('on random URLs (property-based)', () => {
    const part = fc.string({ unit: fc.constantFrom(...'abcAZ09-_.~%:@/?&=# é'.split('')), maxLength: 12 });
    const url = fc
      .tuple(
        fc.constantFrom('postgres://', 'postgresql://', 'socket:', ''),
        part,
        part,
        fc.constantFrom('localhost', '127.0.0.1', '[::1]', 'db.example.com', ''),
        fc.option(fc.integer({ min: 1, max: 65535 })),
        part,
        fc.array(
          fc.tuple(
            fc.constantFrom('sslmode', 'ssl', 'application_name', 'options', 'host', 'port', 'x'),
            part,
          ),
          {
            maxLength: 3,
          },
        ),
      )
      .map(
        ([scheme, user, pw, host, port, db, query]) =>
          `${scheme}${user}:${pw}@${host}${port ? `:${port}` : ''}/${db}${query.length ? `?${query.map(([k, v]) => `${k}=${v}`).join('&')}` : ''}`,
      );
    fc.assert(
      fc.property(url, (str) => {
        let theirs: unknown;
        let theirError: unknown;
        try {
          theirs = plain(parse(str));
        } catch (e) {
          theirError = e;
        }
        if (theirError) {
          expect(() => parseConnectionUrl(str)).toThrow();
        } else {
          expect(plain(parseConnectionUrl(str))).toStrictEqual(theirs);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps certificate paths instead of reading the files', () => {
    const parsed = parseConnectionUrl('postgres://u@h/db?sslcert=/c.pem&sslkey=/k.pem&sslrootcert=/ca.pem');
    expect(parsed.ssl).toEqual({ certFile: '/c.pem', keyFile: '/k.pem', caFile: '/ca.pem' });
  });
});
