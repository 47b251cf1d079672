/**
 * Issue #11, bad input over WebSocket and plain TCP: text frames, random binary frames, partial
 * startup packets, oversized lengths, random bytes after a valid startup, abrupt closes.
 *
 * Invariants: a malformed startup is answered with a FATAL ErrorResponse or a close within
 * CASE_TIMEOUT_MS (an incomplete one may wait for more bytes, so those cases end with an abrupt
 * close instead); the server never crashes or logs an error; a normal connection works after
 * every batch, over WebSocket and over TCP.
 */
import { connect as netConnect } from 'node:net';
import { Client as NeonClient } from '@neondatabase/serverless';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { pointNeonAt, startTestServer, type TestServer } from '../server/helpers.js';
import { credentials, pgInfo } from '../setup/pg.js';
import { recordReliability, watchUnhandled } from '../support/reliability-log.js';

const CASE_TIMEOUT_MS = 3_000;
const RUNS = 40;

let t: TestServer;
const unhandled = watchUnhandled();
let cases = 0;
let failures = 0;

beforeAll(async () => {
  t = await startTestServer();
});
afterEach(({ task }) => {
  if (task.result?.state === 'fail') failures++;
});
afterAll(async () => {
  await t.server.close();
  unhandled.stop();
  recordReliability({
    type: 'suite',
    suite: 'server-ws-fuzz',
    kind: 'fuzz',
    cases,
    failures,
    unhandled: unhandled.count,
  });
});

interface Outcome {
  /** Every byte received. */
  bytes: Buffer;
  /** Closed by the server (or the transport) before the deadline. */
  closed: boolean;
}

/** Opens a WebSocket, sends the frames, then waits for a close until `waitMs`; `abort` cuts it at the end. */
async function wsCase(
  frames: { text: boolean; data: Buffer }[],
  waitMs: number,
  abort = false,
): Promise<Outcome> {
  const ws = new WebSocket(`ws://localhost:${t.server.port}/v2`);
  const chunks: Buffer[] = [];
  let closed = false;
  const closedP = new Promise<void>((resolve) =>
    ws.on('close', () => {
      closed = true;
      resolve();
    }),
  );
  ws.on('message', (data) => chunks.push(data as Buffer));
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  for (const frame of frames) {
    if (ws.readyState !== WebSocket.OPEN) break;
    ws.send(frame.text ? frame.data.toString('latin1') : frame.data, { binary: !frame.text });
  }
  await Promise.race([closedP, new Promise((r) => setTimeout(r, waitMs))]);
  const outcome = { bytes: Buffer.concat(chunks), closed };
  if (!closed) {
    if (abort) ws.terminate();
    else ws.close();
  }
  return outcome;
}

/** Splits backend messages; an 'N' (SSL refusal) is a single byte. */
function messages(bytes: Buffer): { type: string; body: Buffer }[] {
  const out: { type: string; body: Buffer }[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes[at] === 0x4e) {
      out.push({ type: 'N', body: Buffer.alloc(0) });
      at++;
      continue;
    }
    if (at + 5 > bytes.length) break;
    const len = bytes.readInt32BE(at + 1);
    out.push({ type: String.fromCharCode(bytes[at]), body: bytes.subarray(at + 5, at + 1 + len) });
    at += 1 + len;
  }
  return out;
}

function errorCode(bytes: Buffer): string | undefined {
  const error = messages(bytes).find((m) => m.type === 'E');
  if (!error) return undefined;
  for (const field of error.body.toString('utf8').split('\u0000'))
    if (field.startsWith('C')) return field.slice(1);
  return '';
}

function startupPacket(params: Record<string, string>, version = 196608): Buffer {
  const body = Buffer.from(`${Object.entries(params).flat().join('\u0000')}\u0000\u0000`, 'utf8');
  const b = Buffer.alloc(8 + body.length);
  b.writeInt32BE(b.length, 0);
  b.writeInt32BE(version, 4);
  body.copy(b, 8);
  return b;
}

const user = () => credentials('superuser').user;
const validStartup = () => startupPacket({ user: user(), database: pgInfo().database });

function expectAnsweredOrClosed(o: Outcome, where: string): void {
  expect(o.closed || errorCode(o.bytes) !== undefined, `no ErrorResponse and no close: ${where}`).toBe(true);
}

async function normalConnectionsWork(): Promise<void> {
  const restore = pointNeonAt();
  try {
    const client = new NeonClient(t.url('superuser'));
    await client.connect();
    expect((await client.query('select $1::text as v', ['ws ok'])).rows).toEqual([{ v: 'ws ok' }]);
    await client.end();
  } finally {
    restore();
  }
  const { password } = credentials('superuser');
  const tcp = new pg.Client({
    host: '127.0.0.1',
    port: t.server.port,
    user: user(),
    password,
    database: pgInfo().database,
  });
  await tcp.connect();
  expect((await tcp.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
  await tcp.end();
  expect(t.logs.filter((l) => l.startsWith('error '))).toEqual([]);
}

const frameData = fc.uint8Array({ minLength: 0, maxLength: 300 }).map((a): Buffer => Buffer.from(a));

describe('random WebSocket traffic', () => {
  it('text frames are refused with a close', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 50 }), fc.boolean(), async (text, afterStartup) => {
        cases++;
        const frames: { text: boolean; data: Buffer }[] = [{ text: true, data: Buffer.from(text, 'latin1') }];
        if (afterStartup) frames.unshift({ text: false, data: validStartup() });
        const o = await wsCase(frames, CASE_TIMEOUT_MS);
        expect(o.closed, 'text frame did not close the socket').toBe(true);
      }),
      { numRuns: 15 },
    );
    await normalConnectionsWork();
  });

  it('oversized or undersized startup lengths get a FATAL 08P01', async () => {
    const length = fc.oneof(
      fc.integer({ min: 10_001, max: 0x7fffffff }),
      fc.integer({ min: -0x80000000, max: 7 }),
    );
    await fc.assert(
      fc.asyncProperty(length, frameData, fc.boolean(), async (len, rest, split) => {
        cases++;
        const head = Buffer.alloc(8);
        head.writeInt32BE(len, 0);
        head.writeInt32BE(196608, 4);
        const data = Buffer.concat([head, rest]);
        const frames: { text: boolean; data: Buffer }[] = split
          ? [...data].map((b) => ({ text: false, data: Buffer.from([b]) }))
          : [{ text: false, data }];
        const o = await wsCase(frames, CASE_TIMEOUT_MS);
        expect(errorCode(o.bytes), `length ${len}`).toBe('08P01');
        expect(o.closed).toBe(true);
      }),
      { numRuns: RUNS },
    );
    await normalConnectionsWork();
  });

  it('random bytes after a valid startup (instead of the password) are refused', async () => {
    const after = fc
      .uint8Array({ minLength: 5, maxLength: 200 })
      .filter((a) => a[0] !== 0x70 && a[0] !== 0x58)
      .map((a) => Buffer.from(a));
    await fc.assert(
      fc.asyncProperty(after, fc.boolean(), async (bytes, together) => {
        cases++;
        const startup = validStartup();
        const frames = together
          ? [{ text: false, data: Buffer.concat([startup, bytes]) }]
          : [
              { text: false, data: startup },
              { text: false, data: bytes },
            ];
        const o = await wsCase(frames, CASE_TIMEOUT_MS);
        expect(messages(o.bytes)[0]?.type, 'no AuthenticationCleartextPassword first').toBe('R');
        expect(errorCode(o.bytes)).toBe('08P01');
        expect(o.closed).toBe(true);
      }),
      { numRuns: RUNS },
    );
    await normalConnectionsWork();
  });

  it('malformed password messages and bad startup parameters are refused', async () => {
    const packets = fc.oneof(
      // A password message with a bad length or without its terminator.
      fc
        .tuple(fc.integer({ min: -10, max: 70_000 }), frameData)
        .filter(([len]) => len < 4 || len > 65_535)
        .map(([len, rest]) => {
          const b = Buffer.alloc(5);
          b[0] = 0x70;
          b.writeInt32BE(len, 1);
          return Buffer.concat([validStartup(), b, rest]);
        }),
      fc.string({ maxLength: 20 }).map((pw) => {
        const body = Buffer.from(pw, 'utf8'); // no NUL terminator
        const b = Buffer.alloc(5);
        b[0] = 0x70;
        b.writeInt32BE(4 + body.length + 1, 1);
        return Buffer.concat([validStartup(), b, body, Buffer.from([1])]);
      }),
      // A startup packet without user, without its final NUL, or with a random protocol.
      fc.constant(startupPacket({ database: 'x' })),
      fc
        .integer({ min: 0, max: 0xffff })
        .map((major) => startupPacket({ user: user() }, (major === 3 ? 4 : major) << 16)),
      fc.uint8Array({ minLength: 1, maxLength: 40 }).map((a) => {
        const body = Buffer.from(a.map((x) => x || 1)); // no terminator anywhere
        const b = Buffer.alloc(8);
        b.writeInt32BE(8 + body.length, 0);
        b.writeInt32BE(196608, 4);
        return Buffer.concat([b, body]);
      }),
    );
    await fc.assert(
      fc.asyncProperty(packets, async (data) => {
        cases++;
        const o = await wsCase([{ text: false, data }], CASE_TIMEOUT_MS);
        expectAnsweredOrClosed(o, data.subarray(0, 40).toString('hex'));
        expect(errorCode(o.bytes)).toMatch(/^(08P01|0A000|28000|28P01)$/);
      }),
      { numRuns: RUNS },
    );
    await normalConnectionsWork();
  });

  it('partial startups and random frames, then an abrupt close: the server stays up', async () => {
    const traffic = fc.oneof(
      fc.nat().map((cut) => {
        const s = validStartup();
        return [{ text: false, data: s.subarray(0, cut % s.length) }];
      }),
      fc.array(
        frameData.map((data) => ({ text: false, data })),
        { minLength: 1, maxLength: 5 },
      ),
      fc.array(
        fc.oneof(
          frameData.map((data) => ({ text: false, data })),
          fc.string({ maxLength: 10 }).map((s) => ({ text: true, data: Buffer.from(s, 'latin1') })),
        ),
        { minLength: 1, maxLength: 4 },
      ),
    );
    await fc.assert(
      fc.asyncProperty(traffic, fc.integer({ min: 0, max: 150 }), async (frames, waitMs) => {
        cases++;
        const o = await wsCase(frames, waitMs, true);
        // Whatever came back is well formed: ErrorResponse, 'N', or the password request.
        for (const m of messages(o.bytes)) expect(['E', 'N', 'R']).toContain(m.type);
      }),
      { numRuns: RUNS * 2 },
    );
    await normalConnectionsWork();
  });
});

describe('random bytes on the plain TCP port', () => {
  /** Sends the bytes, half-closes, and waits for the server to close. */
  function tcpCase(data: Buffer, endAfter: boolean): Promise<{ bytes: Buffer; closed: boolean }> {
    return new Promise((resolve) => {
      const socket = netConnect(t.server.port, '127.0.0.1');
      const chunks: Buffer[] = [];
      const timer = setTimeout(() => {
        socket.destroy();
        resolve({ bytes: Buffer.concat(chunks), closed: false });
      }, CASE_TIMEOUT_MS);
      socket.on('data', (c) => chunks.push(c));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearTimeout(timer);
        resolve({ bytes: Buffer.concat(chunks), closed: true });
      });
      socket.on('connect', () => {
        socket.write(data);
        if (endAfter) socket.end();
      });
    });
  }

  it('random bytes, then EOF: the connection is closed, never left hanging', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 400 }),
      fc.uint8Array({ minLength: 1, maxLength: 400 }).map((a) => Uint8Array.from([0, ...a])),
      fc.nat().map((cut) => {
        const s = validStartup();
        return s.subarray(0, 1 + (cut % s.length));
      }),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (data) => {
        cases++;
        const o = await tcpCase(Buffer.from(data), true);
        expect(o.closed, `not closed after ${Buffer.from(data).subarray(0, 20).toString('hex')}`).toBe(true);
      }),
      { numRuns: RUNS * 2 },
    );
    await normalConnectionsWork();
  });

  it('a complete bad startup packet on TCP gets a FATAL ErrorResponse without EOF', async () => {
    await fc.assert(
      // The first byte 0 is what marks a Postgres connection (anything else is HTTP).
      fc.asyncProperty(fc.integer({ min: 10_001, max: 0xffffff }), async (len) => {
        cases++;
        const head = Buffer.alloc(8);
        head.writeInt32BE(len, 0);
        head.writeInt32BE(196608, 4);
        const o = await tcpCase(head, false);
        expect(errorCode(o.bytes)).toBe('08P01');
        expect(o.closed).toBe(true);
      }),
      { numRuns: 20 },
    );
    await normalConnectionsWork();
  });
});
