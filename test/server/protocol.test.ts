/**
 * The pure Postgres-protocol pieces of the WebSocket/TCP endpoint, fed canned bytes split at
 * every offset: the client's startup as we end it, and our authentication to the upstream.
 */
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { ByteQueue } from '../../src/server/postgres/byte-queue.js';
import { type FrontendEvents, FrontendStartup } from '../../src/server/postgres/frontend-startup.js';
import { errorResponse, readErrorFields, startupMessage } from '../../src/server/postgres/messages.js';
import {
  UpstreamHandshake,
  type UpstreamStartupError,
} from '../../src/server/postgres/upstream-handshake.js';
import { md5PasswordMessage } from '../../src/wire/auth/md5.js';

const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
const gssRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 48]);
const cancelRequest = Buffer.from([0, 0, 0, 16, 4, 210, 22, 46, 0, 0, 0, 7, 0, 0, 0, 9]);
const query = serialize.query('select 1');

/** Every way of cutting `bytes` in two, plus byte by byte. */
function splits(bytes: Buffer): Buffer[][] {
  const out: Buffer[][] = [[bytes]];
  for (let i = 1; i < bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push([...bytes].map((b) => Buffer.from([b])));
  return out;
}

function frontend() {
  const events: unknown[] = [];
  const handlers: FrontendEvents = {
    reply: (bytes) => events.push(['reply', bytes.toString()]),
    cancel: (packet) => events.push(['cancel', packet.toString('hex')]),
    startup: (version, parameters) => events.push(['startup', version, parameters]),
    password: (password) => events.push(['password', password]),
    terminate: () => events.push(['terminate']),
    protocolError: (code, message) => events.push(['error', code, message]),
  };
  return { startup: new FrontendStartup(handlers), events };
}

describe('ByteQueue', () => {
  it('reads int32s and takes bytes across chunk boundaries', () => {
    const q = new ByteQueue();
    q.push(Buffer.from([0, 0]));
    q.push(Buffer.from([1, 2, 3]));
    q.push(Buffer.from([4]));
    expect(q.length).toBe(6);
    expect(q.int32At(0)).toBe(0x0102);
    expect(q.int32At(2)).toBe(0x01020304);
    expect([...q.take(3)]).toEqual([0, 0, 1]);
    expect(q.byteAt(0)).toBe(2);
    expect(q.drain().map((b) => [...b])).toEqual([[2, 3], [4]]);
    expect(q.length).toBe(0);
  });
});

describe('FrontendStartup', () => {
  const pipelined = Buffer.concat([
    sslRequest,
    startupMessage(196608, { user: 'alice', database: 'db', application_name: 'app' }),
    serialize.password('s3cret'),
    query,
  ]);

  it('handles SSLRequest, the StartupMessage, the password and keeps the pipelined query, however split', () => {
    for (const chunks of splits(pipelined)) {
      const { startup, events } = frontend();
      for (const chunk of chunks) startup.feed(chunk);
      expect(events).toEqual([
        ['reply', 'N'],
        ['startup', 196608, { user: 'alice', database: 'db', application_name: 'app' }],
        ['password', 's3cret'],
      ]);
      expect(startup.done).toBe(true);
      expect(Buffer.concat(startup.takePipelined())).toEqual(query);
    }
  });

  it('refuses GSSENCRequest too, then goes on', () => {
    const { startup, events } = frontend();
    startup.feed(Buffer.concat([gssRequest, sslRequest, startupMessage(196608, { user: 'u' })]));
    expect(events).toEqual([
      ['reply', 'N'],
      ['reply', 'N'],
      ['startup', 196608, { user: 'u' }],
    ]);
  });

  it('hands a CancelRequest over whole', () => {
    const { startup, events } = frontend();
    startup.feed(cancelRequest);
    expect(events).toEqual([['cancel', cancelRequest.toString('hex')]]);
  });

  it('passes a newer minor protocol version through for the upstream to negotiate', () => {
    const { startup, events } = frontend();
    startup.feed(startupMessage(196610, { user: 'u', _pq_: 'x' }));
    expect(events).toEqual([['startup', 196610, { user: 'u', _pq_: 'x' }]]);
  });

  it('reports protocol errors with Postgres SQLSTATEs and messages', () => {
    const cases: [Buffer, string, string][] = [
      [
        startupMessage(196608, { database: 'db' }),
        '28000',
        'no PostgreSQL user name specified in startup packet',
      ],
      [
        startupMessage(131072, { user: 'u' }),
        '0A000',
        'unsupported frontend protocol 2.0: server supports 3.0 to 3.0',
      ],
      [Buffer.from([0, 0, 0, 4, 0, 0, 0, 0]), '08P01', 'invalid length of startup packet'],
      [Buffer.from([0, 1, 0, 0, 0, 3, 0, 0]), '08P01', 'invalid length of startup packet'],
      [
        Buffer.concat([startupMessage(196608, { user: 'u' }), query]),
        '08P01',
        'expected password response, got message type 81',
      ],
    ];
    for (const [bytes, code, message] of cases) {
      const { startup, events } = frontend();
      startup.feed(bytes);
      expect(events.at(-1)).toEqual(['error', code, message]);
    }
  });

  it('a Terminate instead of a password ends quietly', () => {
    const { startup, events } = frontend();
    startup.feed(Buffer.concat([startupMessage(196608, { user: 'u' }), serialize.end()]));
    expect(events.at(-1)).toEqual(['terminate']);
  });
});

/** Backend messages, built by hand. */
const msg = (type: string, body: Buffer) => {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const authOk = msg('R', int32(0));
const authCleartext = msg('R', int32(3));
const authMd5 = msg('R', Buffer.concat([int32(5), Buffer.from([1, 2, 3, 4])]));
const parameterStatus = msg('S', Buffer.from('server_version\x0017.10\x00'));
const backendKey = msg('K', Buffer.concat([int32(42), int32(99)]));
const readyForQuery = msg('Z', Buffer.from('I'));
const rowAfterReady = msg('N', Buffer.from('SNOTICE\x00Mlate\x00\x00'));

function handshake(password?: string) {
  const sent: Buffer[] = [];
  const forwarded: Buffer[] = [];
  let rest: Buffer[] | undefined;
  let failure: [UpstreamStartupError, boolean] | undefined;
  const h = new UpstreamHandshake(
    { version: 196608, parameters: { user: 'alice', database: 'db' } },
    {
      send: (bytes) => sent.push(bytes),
      forward: (bytes) => forwarded.push(bytes),
      ready: (r) => {
        rest = r;
      },
      fail: (error, wasForwarded) => {
        failure = [error, wasForwarded];
      },
    },
  );
  h.start();
  if (password !== undefined) h.setPassword(password);
  return { h, sent, forwarded, rest: () => rest, failure: () => failure };
}

describe('UpstreamHandshake', () => {
  it('sends the client startup parameters with its protocol version', () => {
    const { sent } = handshake('pw');
    expect(sent[0]).toEqual(startupMessage(196608, { user: 'alice', database: 'db' }));
  });

  it('trust: forwards AuthenticationOk, ParameterStatus, BackendKeyData and ReadyForQuery byte for byte, however split', () => {
    const upstream = Buffer.concat([authOk, parameterStatus, backendKey, readyForQuery, rowAfterReady]);
    for (const chunks of splits(upstream)) {
      const t = handshake('pw');
      // As the session does: once ready, later bytes bypass the handshake and go straight through.
      const after: Buffer[] = [];
      for (const chunk of chunks) {
        if (t.rest()) after.push(chunk);
        else t.h.feed(chunk);
      }
      expect(Buffer.concat(t.forwarded)).toEqual(
        Buffer.concat([authOk, parameterStatus, backendKey, readyForQuery]),
      );
      expect(Buffer.concat([...(t.rest() ?? []), ...after])).toEqual(rowAfterReady);
      expect(t.sent).toHaveLength(1);
    }
  });

  it('cleartext and md5: answers with the password, never forwarding the request', () => {
    const clear = handshake('pw');
    clear.h.feed(authCleartext);
    expect(clear.sent[1]).toEqual(serialize.password('pw'));
    expect(clear.forwarded).toEqual([]);

    const md5 = handshake('pw');
    md5.h.feed(authMd5);
    expect(md5.sent[1]).toEqual(
      serialize.password(md5PasswordMessage('alice', 'pw', new Uint8Array([1, 2, 3, 4]))),
    );
  });

  it('waits for a password that has not arrived yet', () => {
    const t = handshake();
    t.h.feed(Buffer.concat([authCleartext, authOk, readyForQuery]));
    expect(t.sent).toHaveLength(1);
    t.h.setPassword('late');
    expect(t.sent[1]).toEqual(serialize.password('late'));
    expect(Buffer.concat(t.forwarded)).toEqual(Buffer.concat([authOk, readyForQuery]));
    expect(t.rest()).toEqual([]);
  });

  it('SCRAM: starts SASL with SCRAM-SHA-256', () => {
    const t = handshake('pw');
    t.h.feed(msg('R', Buffer.concat([int32(10), Buffer.from('SCRAM-SHA-256\x00\x00')])));
    expect(t.sent[1].subarray(0, 1).toString()).toBe('p');
    expect(t.sent[1].includes(Buffer.from('SCRAM-SHA-256'))).toBe(true);
    expect(t.sent[1].includes(Buffer.from('n,,n=*,r='))).toBe(true);
  });

  it("forwards the upstream's ErrorResponse as it is and reports its SQLSTATE", () => {
    const error = errorResponse({
      severity: 'FATAL',
      code: '28P01',
      message: 'password authentication failed for user "alice"',
    });
    const t = handshake('wrong');
    t.h.feed(Buffer.concat([authCleartext, error]));
    expect(t.forwarded).toEqual([error]);
    const [failure, forwarded] = t.failure() ?? [];
    expect(forwarded).toBe(true);
    expect(failure).toMatchObject({
      code: '28P01',
      message: 'password authentication failed for user "alice"',
    });
  });

  it('fails locally (not forwarded) on methods it cannot do and on broken framing', () => {
    const gss = handshake('pw');
    gss.h.feed(msg('R', int32(7)));
    expect(gss.failure()?.[1]).toBe(false);
    expect(gss.failure()?.[0].code).toBe('28000');

    const broken = handshake('pw');
    broken.h.feed(Buffer.from([0x52, 0, 0, 0, 1]));
    expect(broken.failure()?.[0]).toMatchObject({ code: '08P01' });
  });
});

describe('errorResponse', () => {
  it('round-trips through the field reader', () => {
    const bytes = errorResponse({
      severity: 'FATAL',
      code: '08004',
      message: 'nope ✓',
      detail: 'd',
      hint: 'h',
    });
    expect(bytes[0]).toBe(0x45);
    expect(bytes.readInt32BE(1)).toBe(bytes.length - 1);
    expect(Object.fromEntries(readErrorFields(bytes.subarray(5)))).toEqual({
      S: 'FATAL',
      V: 'FATAL',
      C: '08004',
      M: 'nope ✓',
      D: 'd',
      H: 'h',
    });
  });
});
