/**
 * Portal and COPY operations on the engine fed canned bytes (no socket): which frontend
 * messages go out when (one Execute per requested batch, Close + Sync at the end), that queries
 * queued behind them wait for their ReadyForQuery, and CopyData decoded from a stream split at
 * every offset.
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { TypeOverrides } from '../../src/core/types.js';
import { CopyOutOperation } from '../../src/wire/copy.js';
import { type EngineEvents, WireEngine } from '../../src/wire/engine.js';
import { PORTAL_NAME, PortalOperation } from '../../src/wire/portal.js';
import { QueryOperation } from '../../src/wire/query.js';

function msg(code: string, ...parts: (Uint8Array | string)[]): Buffer {
  const body = Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(`${p}\0`) : Buffer.from(p))),
  );
  const header = Buffer.alloc(5);
  header.write(code, 0, 'latin1');
  header.writeUInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}
const int16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

const ready = msg('Z', Buffer.from('I'));
const startup = Buffer.concat([msg('R', int32(0)), ready]);
// One int4 column `g`.
const rowDescription = msg('T', int16(1), 'g', int32(0), int16(0), int32(23), int16(4), int32(-1), int16(0));
const dataRow = (value: number) =>
  msg('D', int16(1), int32(String(value).length), Buffer.from(String(value)));

/** The type codes of the frontend messages in what was written since `from`. */
function frontendCodes(written: Uint8Array[], from = 0): string[] {
  const bytes = Buffer.concat(written.slice(from));
  const codes: string[] = [];
  for (let pos = 0; pos < bytes.length; pos += 1 + bytes.readUInt32BE(pos + 1))
    codes.push(String.fromCharCode(bytes[pos]));
  return codes;
}

function harness(flow?: EngineEvents['flow']) {
  const written: Uint8Array[] = [];
  const fatal: Error[] = [];
  const events: EngineEvents = {
    flow,
    write: (d) => written.push(d),
    ready: () => {},
    fatal: (e) => fatal.push(e),
    pipelineMismatch: () => {},
    notice: () => {},
    notification: () => {},
    parameterStatus: () => {},
    drain: () => {},
  };
  const engine = new WireEngine({ user: 'u', password: undefined, startupParameters: {} }, events);
  engine.start();
  engine.feed(startup);
  written.length = 0;
  return { engine, written, fatal };
}

describe('PortalOperation on the engine', () => {
  it('sends one Execute per requested batch, holds queries behind it, and ends with Close + Sync', () => {
    const h = harness();
    const batches: { rows: unknown[]; last: boolean }[] = [];
    const finished: (Error | undefined)[] = [];
    const portal = new PortalOperation({ text: 'select g', fetchSize: 2 }, new TypeOverrides(), {
      batch: (rows, last) => batches.push({ rows, last }),
      finished: (error) => finished.push(error),
    });
    const outcomes: Result[] = [];
    h.engine.submit(portal);
    h.engine.submit(
      new QueryOperation({ text: 'select 1' }, new TypeOverrides(), new Map(), {
        resolve: (r) => outcomes.push(r as Result),
        reject: () => {},
      }),
    );
    // Parse, Bind, Describe, Execute(2), Flush — and not the query queued behind.
    expect(frontendCodes(h.written)).toEqual(['P', 'B', 'D', 'E', 'H']);
    const execute = Buffer.from(h.written.find((w) => w[0] === 0x45)!);
    expect(execute.toString('utf8', 5, 5 + PORTAL_NAME.length)).toBe(PORTAL_NAME);
    expect(execute.readInt32BE(execute.length - 4)).toBe(2);

    h.engine.feed(Buffer.concat([msg('1'), msg('2'), rowDescription, dataRow(1), dataRow(2), msg('s')]));
    expect(batches).toEqual([{ rows: [{ g: 1 }, { g: 2 }], last: false }]);
    // The consumer has not asked: nothing more is requested.
    const mark = h.written.length;
    expect(frontendCodes(h.written, mark)).toEqual([]);
    portal.requestMore();
    portal.requestMore(); // already fetching: no second Execute
    expect(frontendCodes(h.written, mark)).toEqual(['E', 'H']);
    expect(portal.executes).toBe(2);

    const beforeEnd = h.written.length;
    h.engine.feed(Buffer.concat([dataRow(3), msg('C', 'SELECT 1')]));
    expect(batches[1]).toEqual({ rows: [{ g: 3 }], last: true });
    expect(frontendCodes(h.written, beforeEnd)).toEqual(['C', 'S']);
    expect(outcomes).toEqual([]);

    const beforeQuery = h.written.length;
    h.engine.feed(Buffer.concat([msg('3'), ready]));
    expect(finished).toEqual([undefined]);
    expect(portal.result.rowCount).toBe(3);
    // Only now is the query behind it written.
    expect(frontendCodes(h.written, beforeQuery)).toEqual(['Q']);
    expect(h.fatal).toEqual([]);
  });

  it('closed early: Close + Sync once, rows still in flight dropped; closed while queued: a lone Sync', () => {
    const h = harness();
    const batches: unknown[][] = [];
    const finished: (Error | undefined)[] = [];
    const portal = new PortalOperation({ text: 'select g', fetchSize: 2 }, new TypeOverrides(), {
      batch: (rows) => batches.push(rows),
      finished: (error) => finished.push(error),
    });
    const queued = new PortalOperation({ text: 'select g', fetchSize: 2 }, new TypeOverrides(), {
      batch: (rows) => batches.push(rows),
      finished: (error) => finished.push(error),
    });
    h.engine.submit(portal);
    h.engine.submit(queued);
    queued.close();
    const mark = h.written.length;
    portal.close();
    portal.close();
    expect(frontendCodes(h.written, mark)).toEqual(['C', 'S']);
    h.engine.feed(
      Buffer.concat([msg('1'), msg('2'), rowDescription, dataRow(1), dataRow(2), msg('s'), msg('3')]),
    );
    expect(batches).toEqual([]);
    const beforeQueued = h.written.length;
    h.engine.feed(ready);
    expect(frontendCodes(h.written, beforeQueued)).toEqual(['S']);
    h.engine.feed(ready);
    expect(finished).toEqual([undefined, undefined]);
    expect(h.fatal).toEqual([]);
  });

  it('syncs on an error and reports it at ReadyForQuery', () => {
    const h = harness();
    const finished: (Error | undefined)[] = [];
    h.engine.submit(
      new PortalOperation({ text: 'select 1/0', fetchSize: 2 }, new TypeOverrides(), {
        batch: () => {},
        finished: (error) => finished.push(error),
      }),
    );
    const mark = h.written.length;
    h.engine.feed(msg('E', Buffer.from('SERROR\0C22012\0Mdivision by zero\0\0')));
    expect(frontendCodes(h.written, mark)).toEqual(['S']);
    h.engine.feed(ready);
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ code: '22012' });
  });
});

describe('CopyOutOperation on the engine', () => {
  it('hands on the CopyData bytes in order from a stream split at every offset', async () => {
    const payload = ['1\talpha\n', '2\tβeta\n', '3\t\\N\n'];
    const stream = Buffer.concat([
      msg('H', Buffer.from([0]), int16(2), int16(0), int16(0)),
      ...payload.map((line) => msg('d', Buffer.from(line))),
      msg('c'),
      msg('C', 'COPY 3'),
      ready,
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const h = harness();
      const chunks: Uint8Array[] = [];
      const finished: [Error | undefined, number | null][] = [];
      h.engine.submit(
        new CopyOutOperation('copy t to stdout', {
          data: (chunk) => chunks.push(chunk),
          finished: (error, rowCount) => finished.push([error, rowCount]),
        }),
      );
      expect(frontendCodes(h.written)).toEqual(['Q']);
      h.engine.feed(Buffer.from(stream.subarray(0, cut)));
      await Promise.resolve();
      h.engine.feed(Buffer.from(stream.subarray(cut)));
      expect(Buffer.concat(chunks).toString()).toBe(payload.join(''));
      expect(finished).toEqual([[undefined, 3]]);
      expect(h.fatal).toEqual([]);
    }
  });

  it('answers a COPY FROM with CopyFail', () => {
    const h = harness();
    const finished: (Error | undefined)[] = [];
    h.engine.submit(
      new CopyOutOperation('copy t from stdin', { data: () => {}, finished: (e) => finished.push(e) }),
    );
    const mark = h.written.length;
    h.engine.feed(msg('G', Buffer.from([0]), int16(0)));
    expect(frontendCodes(h.written, mark)).toEqual(['f']);
    h.engine.feed(Buffer.concat([msg('E', Buffer.from('SERROR\0C57014\0Mfailed\0\0')), ready]));
    expect(finished[0]).toMatchObject({ code: 'EDGEPG_USAGE' });
  });
});

describe('COPY flow control on the engine', () => {
  const copyOut = (data: (chunk: Uint8Array) => void = () => {}) =>
    new CopyOutOperation('copy t to stdout', { data, finished: () => {} });
  const started = msg('H', Buffer.from([0]), int16(1), int16(0));
  const end = Buffer.concat([msg('c'), msg('C', 'COPY 1'), ready]);

  function flowLog() {
    const log: string[] = [];
    const flow = {
      pauseReading: () => log.push('pause'),
      resumeReading: () => log.push('resume'),
      writable: () => Promise.resolve(),
    };
    return { log, flow };
  }

  it('hands the transport a pause once, and its ReadyForQuery undoes it', () => {
    const { log, flow } = flowLog();
    const h = harness(flow);
    const copy = copyOut();
    h.engine.submit(copy);
    h.engine.feed(Buffer.concat([started, msg('d', Buffer.from('1\n'))]));
    copy.pauseReading();
    copy.pauseReading();
    expect(log).toEqual(['pause']);
    h.engine.feed(end);
    expect(log).toEqual(['pause', 'resume']);
    // A late pull of the finished COPY's stream must not touch the next operation's reading.
    const next = copyOut();
    h.engine.submit(next);
    next.pauseReading();
    copy.resumeReading();
    copy.pauseReading();
    expect(log).toEqual(['pause', 'resume', 'pause']);
    next.resumeReading();
    expect(log).toEqual(['pause', 'resume', 'pause', 'resume']);
  });

  it('sends a cancel asked for before the COPY started once it starts, and holds the queue until it is through', async () => {
    const h = harness();
    const copy = copyOut();
    h.engine.submit(copy);
    const outcomes: Result[] = [];
    const query = new QueryOperation({ text: 'select 1' }, new TypeOverrides(), new Map(), {
      resolve: (r) => outcomes.push(r as Result),
      reject: () => {},
    });
    h.engine.submit(query);
    let release!: () => void;
    const through = new Promise<void>((resolve) => {
      release = resolve;
    });
    let requests = 0;
    copy.cancelOnServer(() => {
      requests++;
      return through;
    });
    expect(requests).toBe(0);
    h.engine.feed(started);
    expect(requests).toBe(1);
    // The COPY ends before the cancel request is through: the query behind it must wait.
    const mark = h.written.length;
    h.engine.feed(end);
    expect(frontendCodes(h.written, mark)).toEqual([]);
    release();
    await through;
    await Promise.resolve();
    await Promise.resolve();
    expect(frontendCodes(h.written, mark)).toEqual(['Q']);
    // A cancel that is declined (undefined) holds nothing.
    const declined = copyOut();
    h.engine.submit(declined);
    h.engine.feed(Buffer.concat([msg('C', 'SELECT 1'), ready, started]));
    expect(outcomes).toHaveLength(1);
    declined.cancelOnServer(() => undefined);
    h.engine.feed(end);
    h.engine.submit(
      new QueryOperation({ text: 'select 2' }, new TypeOverrides(), new Map(), {
        resolve: () => {},
        reject: () => {},
      }),
    );
    expect(frontendCodes(h.written).at(-1)).toBe('Q');
    expect(h.fatal).toEqual([]);
  });

  it('resumes reading when the connection fails under a paused COPY', () => {
    const { log, flow } = flowLog();
    const h = harness(flow);
    const copy = copyOut();
    h.engine.submit(copy);
    h.engine.feed(started);
    copy.pauseReading();
    h.engine.closed(false);
    expect(log).toEqual(['pause', 'resume']);
  });

  it('counts the payload bytes received', () => {
    const h = harness();
    const copy = copyOut();
    h.engine.submit(copy);
    h.engine.feed(Buffer.concat([started, msg('d', Buffer.from('12\n')), msg('d', Buffer.from('345\n'))]));
    expect(copy.receivedBytes).toBe(7);
    // Without flow control (a driver that has none) pausing is a no-op, not an error.
    copy.pauseReading();
    h.engine.feed(end);
  });
});
