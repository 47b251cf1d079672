import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ConnectionParameters } from '../../src/core/index.js';
import { PgConnectionParameters } from './oracle.js';

const envKeys = [
  'PGUSER',
  'PGPASSWORD',
  'PGHOST',
  'PGPORT',
  'PGDATABASE',
  'PGSSLMODE',
  'PGAPPNAME',
  'PGOPTIONS',
];
const saved = Object.fromEntries(envKeys.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of envKeys) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** The fields both implementations expose (ours has no libpq-only `getLibpqConnectionString`). */
const keys = [
  'user',
  'database',
  'port',
  'host',
  'password',
  'binary',
  'options',
  'ssl',
  'client_encoding',
  'replication',
  'isDomainSocket',
  'application_name',
  'fallback_application_name',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'query_timeout',
  'connect_timeout',
  'keepalives',
  'keepalives_idle',
] as const;

function pick(params: Record<string, unknown>) {
  return Object.fromEntries(keys.map((k) => [k, params[k]]));
}

describe('ConnectionParameters equals pg', () => {
  const configs: unknown[] = [
    undefined,
    {},
    'postgres://alice:s3cret@db.example.com:6543/app',
    'postgresql://alice@localhost/app?application_name=x&options=-c%20search_path%3Dfoo',
    'postgres://u:p@h/db?sslmode=disable',
    'postgres://u:p@h/db?sslmode=no-verify',
    'postgres://u:p%40ss@h:5433/d%20b',
    'postgres://u:p@[::1]:5432/db',
    '/var/run/postgresql mydb',
    'socket:/tmp/pg?db=app',
    { user: 'bob', password: 'pw', host: 'h', port: 7000, database: 'x' },
    { user: 'bob', port: '7001' },
    { connectionString: 'postgres://cs:cspw@cshost:1/csdb', user: 'ignored', host: 'ignored' },
    { connectionString: 'postgres://cs@cshost/csdb?sslmode=verify-full', ssl: { rejectUnauthorized: false } },
    { password: '', port: 0 },
    { ssl: 'true' },
    { ssl: 'no-verify' },
    { ssl: { rejectUnauthorized: false, key: 'secret-key' } },
    { statement_timeout: 1000, lock_timeout: 200, query_timeout: 50, idle_in_transaction_session_timeout: 9 },
    { connectionTimeoutMillis: 2500, keepAlive: true, keepAliveInitialDelayMillis: 10000 },
    { keepAlive: false, application_name: 'app', fallback_application_name: 'fallback' },
  ];

  it('for configs and strings without env vars', () => {
    for (const k of envKeys) delete process.env[k];
    for (const config of configs) {
      expect(pick(new ConnectionParameters(config as string) as never), JSON.stringify(config)).toStrictEqual(
        pick(new PgConnectionParameters(config)),
      );
    }
  });

  it('for the same configs with PG* env vars set', () => {
    Object.assign(process.env, {
      PGUSER: 'envuser',
      PGPASSWORD: 'envpw',
      PGHOST: 'envhost',
      PGPORT: '6000',
      PGDATABASE: 'envdb',
      PGSSLMODE: 'no-verify',
      PGAPPNAME: 'envapp',
      PGOPTIONS: '-c x=1',
    });
    for (const config of configs) {
      expect(pick(new ConnectionParameters(config as string) as never), JSON.stringify(config)).toStrictEqual(
        pick(new PgConnectionParameters(config)),
      );
    }
  });

  it('keeps the password and ssl.key out of enumeration, JSON and logs', () => {
    const params = new ConnectionParameters({ password: 'hunter2', ssl: { key: 'PRIVATE' } });
    expect(params.password).toBe('hunter2');
    expect(Object.keys(params)).not.toContain('password');
    expect(JSON.stringify(params)).not.toContain('hunter2');
    expect(JSON.stringify(params)).not.toContain('PRIVATE');
  });
});

describe('ConnectionParameters rejects bad input with a ConfigError', () => {
  const cases: [string, unknown, RegExp][] = [
    [
      'an unparsable URL',
      'postgres://u:topsecret@host:notaport/db',
      /Invalid port "notaport"|not a valid URL/,
    ],
    ['a malformed URL', 'postgres://u:topsecret@[bad/db', /not a valid URL: postgres:\/\/u:\*\*\*\*\*@/],
    ['an empty string', '', /connection string is empty/],
    [
      'an unknown sslmode in the string',
      'postgres://u:p@h/db?sslmode=sometimes',
      /Unknown sslmode "sometimes"/,
    ],
    ['an unknown sslmode option', { sslmode: 'maybe' }, /Unknown sslmode "maybe"/],
    ['a port out of range', { port: 70000 }, /Invalid port 70000/],
    ['a non-numeric port', { port: 'abc' }, /Invalid port "abc"/],
    ['a bad ssl string', { ssl: 'yes please' }, /Invalid ssl setting/],
    ['a bad sslnegotiation', { sslnegotiation: 'fast' }, /Invalid sslnegotiation value: "fast"/],
    ['direct negotiation without ssl', { sslnegotiation: 'direct', ssl: false }, /requires SSL/],
  ];
  for (const [name, input, message] of cases) {
    it(name, () => {
      let error: unknown;
      try {
        new ConnectionParameters(input as string);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).code).toBe('EDGEPG_CONFIG');
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('topsecret');
      expect(String((error as Error).cause ?? '')).not.toContain('topsecret');
    });
  }

  it('rejects an unknown PGSSLMODE', () => {
    process.env.PGSSLMODE = 'bogus';
    expect(() => new ConnectionParameters({})).toThrow(ConfigError);
  });
});
