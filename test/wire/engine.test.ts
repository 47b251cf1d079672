/**
 * The engine fed bytes directly — no socket. A canned server conversation is delivered split at
 * every offset, and corrupt streams must end in a clear ProtocolError and a closed engine,
 * never a hang or an exception escaping `feed()`.
 */
import fc from 'fast-check';
import { serialize } from 'pg-protocol';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/core/errors.js';
import type { Result } from '../../src/core/result.js';
import { TypeOverrides } from '../../src/core/types.js';
import { type EngineEvents, WireEngine } from '../../src/wire/engine.js';
import { QueryOperation } from '../../src/wire/query.js';

/** Backend message builder: code, int32 length, body. */
function msg(code: string, ...parts: (Uint8Array | string | number[])[]): Buffer {
  const body = Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`) : Buffer.from(p as Uint8Array))),
  );
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

const authOk = msg('R', int32(0));
const ready = msg('Z', Buffer.from('I'));
const paramStatus = msg('S', 'server_version', '17.10');
const keyData = msg('K', int32(1234), int32(5678));
const rowDescription = msg(
  'T',
  int16(2),
  'a',
  int32(0),
  int16(0),
  int32(23),
  int16(4),
  int32(-1),
  int16(0),
  'b',
  int32(0),
  int16(0),
  int32(25),
  int16(-1),
  int32(-1),
  int16(0),
);
const dataRow = (a: string, b: string | null) =>
  msg(
    'D',
    int16(2),
    int32(Buffer.byteLength(a)),
    Buffer.from(a),
    ...(b === null ? [int32(-1)] : [int32(Buffer.byteLength(b)), Buffer.from(b)]),
  );
const commandComplete = msg('C', 'SELECT 2');
const errorResponse = msg(
  'E',
  Buffer.from('SERROR\0'),
  Buffer.from('C22012\0'),
  Buffer.from('Mdivision by zero\0\0'),
);

const startupStream = Buffer.concat([authOk, paramStatus, keyData, ready]);
const queryStream = Buffer.concat([
  msg('1'),
  msg('2'),
  rowDescription,
  dataRow('1', 'x'),
  dataRow('2', null),
  commandComplete,
  ready,
]);
const failedQueryStream = Buffer.concat([msg('1'), msg('2'), errorResponse, ready]);

function harness() {
  const written: Uint8Array[] = [];
  const log: string[] = [];
  const fatal: Error[] = [];
  const events: EngineEvents = {
    write: (d) => written.push(d),
    ready: () => log.push('ready'),
    fatal: (e) => fatal.push(e),
    pipelineMismatch: () => log.push('mismatch'),
    notice: () => log.push('notice'),
    notification: () => log.push('notification'),
    parameterStatus: (n, v) => log.push(`${n}=${v}`),
    drain: () => log.push('drain'),
  };
  const engine = new WireEngine({ user: 'u', password: 'p', startupParameters: { database: 'd' } }, events);
  const outcomes: (Result | Error)[] = [];
  const query = (text: string, values?: unknown[]) =>
    engine.submit(
      new QueryOperation({ text, values }, new TypeOverrides(), new Map(), {
        resolve: (r) => outcomes.push(r as Result),
        reject: (e) => outcomes.push(e),
      }),
    );
  return { engine, written, log, fatal, outcomes, query };
}

describe('WireEngine on canned bytes', () => {
  it('handles a conversation split at every byte offset', () => {
    const stream = Buffer.concat([startupStream, queryStream, failedQueryStream]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const h = harness();
      h.engine.start();
      h.query('select $1', [1]);
      h.query('select 1/0', [0]);
      // Copies: pg-protocol's parser may reuse (write into) a buffer it was given.
      h.engine.feed(Buffer.from(stream.subarray(0, cut)));
      h.engine.feed(Buffer.from(stream.subarray(cut)));
      expect(h.fatal.map((e) => `${cut}: ${e.message}`)).toEqual([]);
      expect(h.log.filter((l) => l === 'ready')).toHaveLength(1);
      expect(h.outcomes).toHaveLength(2);
      expect((h.outcomes[0] as Result).rows).toEqual([
        { a: 1, b: 'x' },
        { a: 2, b: null },
      ]);
      expect((h.outcomes[1] as Error & { code: string }).code).toBe('22012');
      expect(h.engine.processID).toBe(1234);
    }
  });

  it('writes the startup, then queries only once authentication is settled', () => {
    const h = harness();
    h.engine.start();
    h.query('select 1', [1]);
    // Only the StartupMessage: the query must not be read as a password reply.
    expect(h.written).toHaveLength(1);
    h.engine.feed(authOk);
    expect(h.written.length).toBeGreaterThan(1);
  });

  const corrupt: [string, Buffer, RegExp][] = [
    [
      'an error message without its terminator',
      Buffer.concat([startupStream, msg('1'), msg('2'), msg('E', Buffer.from('SERROR\0Mno end'))]),
      /overruns its message|no terminator/,
    ],
    ['an unknown message type', Buffer.concat([startupStream, msg('!', 'x')]), /unknown message type 0x21/],
    [
      'a length below 4',
      Buffer.concat([startupStream, Buffer.from([0x44, 0, 0, 0, 2])]),
      /impossible length of 2/,
    ],
    [
      'an oversized length',
      Buffer.concat([startupStream, Buffer.from([0x44, 0x7f, 0xff, 0xff, 0xff])]),
      /impossible length/,
    ],
    [
      'a row before its row description',
      Buffer.concat([startupStream, msg('1'), msg('2'), dataRow('1', '2')]),
      /DataRow before its RowDescription/,
    ],
    [
      'an authentication request after startup',
      Buffer.concat([startupStream, authOk]),
      /unexpected authenticationOk/,
    ],
    [
      'a DataRow whose fields overrun it',
      Buffer.concat([
        startupStream,
        msg('1'),
        msg('2'),
        rowDescription,
        msg('D', int16(2), int32(50), Buffer.from('x')),
      ]),
      /DataRow whose fields overrun it/,
    ],
  ];
  for (const [name, stream, message] of corrupt) {
    it(`fails cleanly on ${name}`, () => {
      const h = harness();
      h.engine.start();
      h.query('select 1', [1]);
      expect(() => h.engine.feed(stream)).not.toThrow();
      expect(h.fatal).toHaveLength(1);
      expect(h.fatal[0]).toBeInstanceOf(ProtocolError);
      expect(h.fatal[0].message).toMatch(message);
      expect(h.engine.isClosed).toBe(true);
      // The in-flight query learned about it too: nothing hangs.
      expect(h.outcomes).toHaveLength(1);
      expect(h.outcomes[0]).toBeInstanceOf(ProtocolError);
    });
  }

  for (const [name, stream, message] of [
    ['a row with no query', Buffer.concat([startupStream, dataRow('1', '2')]), /unexpected dataRow message/],
    ['a ReadyForQuery with no query', Buffer.concat([startupStream, ready]), /unexpected readyForQuery/],
  ] as const) {
    it(`fails cleanly on ${name}`, () => {
      const h = harness();
      h.engine.start();
      h.engine.feed(stream);
      expect(h.fatal).toHaveLength(1);
      expect(h.fatal[0]).toBeInstanceOf(ProtocolError);
      expect(h.fatal[0].message).toMatch(message);
      expect(h.engine.isClosed).toBe(true);
      // A query made afterwards is refused at once instead of waiting forever.
      h.query('select 1');
      expect(h.outcomes).toHaveLength(1);
    });
  }

  it('reports a stream cut in the middle of a message', () => {
    const h = harness();
    h.engine.start();
    h.query('select 1', [1]);
    h.engine.feed(Buffer.concat([startupStream, queryStream.subarray(0, 20)]));
    h.engine.closed(false);
    expect(h.fatal[0].message).toMatch(/terminated unexpectedly in the middle of a message/);
    expect(h.outcomes).toHaveLength(1);
  });

  it('never lets an exception escape feed() on random or mutated streams (property-based)', () => {
    const valid = Buffer.concat([startupStream, queryStream, failedQueryStream]);
    const mutated = fc
      .array(fc.record({ at: fc.nat({ max: valid.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }), {
        minLength: 1,
        maxLength: 6,
      })
      .map((edits) => {
        const copy = Buffer.from(valid);
        for (const { at, byte } of edits) copy[at] = byte;
        return copy;
      });
    const random = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
    fc.assert(
      fc.property(fc.oneof(mutated, random), fc.nat({ max: 300 }), (stream, cut) => {
        const h = harness();
        h.engine.start();
        h.query('select $1', [1]);
        h.query('select 1/0', [0]);
        h.engine.feed(Buffer.from(stream.subarray(0, cut)));
        h.engine.feed(Buffer.from(stream.subarray(cut)));
        h.engine.closed(false);
        // Every query settles, exactly once, and the engine ends closed.
        expect(h.outcomes).toHaveLength(2);
        expect(h.engine.isClosed).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('bounds the pipeline by bytes as well as by count, refilling once half has drained', () => {
    const written: Uint8Array[] = [];
    const done: number[] = [];
    const engine = new WireEngine(
      { user: 'u', password: 'p', startupParameters: {}, maxPipeline: 100, maxPipelineBytes: 1000 },
      {
        write: (d) => written.push(d),
        ready: () => {},
        fatal: () => {},
        pipelineMismatch: () => {},
        notice: () => {},
        notification: () => {},
        parameterStatus: () => {},
        drain: () => {},
      },
    );
    engine.start();
    engine.feed(startupStream);
    const big = 'x'.repeat(400);
    for (let i = 0; i < 6; i++) {
      engine.submit(
        new QueryOperation({ text: 'select $1', values: [big] }, new TypeOverrides(), new Map(), {
          resolve: () => done.push(i),
          reject: () => done.push(-i),
        }),
      );
    }
    const queries = () => written.filter((w) => w[0] === 0x50 /* Parse */).length;
    // ~450 bytes each: the third one crosses 1,000 bytes, the rest wait.
    expect(queries()).toBe(3);
    const answer = Buffer.concat([msg('1'), msg('2'), msg('n'), msg('C', 'SELECT 0'), ready]);
    engine.feed(answer);
    // 2 left in flight (~900 bytes): above half the byte window, so no refill yet.
    expect(queries()).toBe(3);
    engine.feed(answer);
    // One left (~460 bytes, under half): refilled up to the byte bound again.
    expect(queries()).toBe(5);
    for (let i = 0; i < 4; i++) engine.feed(answer);
    expect(queries()).toBe(6);
    expect(done).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('falls back when a pipelined password meets a server that asks for something else', () => {
    const written: Uint8Array[] = [];
    let carried = -1;
    const engine = new WireEngine(
      { user: 'u', password: 'p', startupParameters: {}, speculate: 'cleartext' },
      {
        write: (d) => written.push(d),
        ready: () => {},
        fatal: () => {},
        pipelineMismatch: (ops) => {
          carried = ops.length;
        },
        notice: () => {},
        notification: () => {},
        parameterStatus: () => {},
        drain: () => {},
      },
    );
    engine.start();
    engine.submit(
      new QueryOperation({ text: 'select 1' }, new TypeOverrides(), new Map(), { resolve() {}, reject() {} }),
    );
    // Startup, password and the query all went out in the first flight.
    expect(written.map((w) => String.fromCharCode(w[0]))).toEqual(['\0', 'p', 'Q']);
    // The server wants SCRAM instead: the connection is given up, the query carried over.
    engine.feed(msg('R', int32(10), 'SCRAM-SHA-256', ''));
    expect(carried).toBe(1);
    expect(serialize).toBeDefined();
  });
});
