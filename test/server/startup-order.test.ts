/**
 * Regression: a trusting upstream can finish its startup before the client has sent the
 * cleartext password the server asked for. That password must be consumed by the server, not
 * forwarded to Postgres ("invalid frontend message type 112"), however late it arrives.
 */
import { connect } from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientConfig, credentials } from '../setup/pg.js';
import { startTestServer, type TestServer } from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.server.close();
});

/** Message type codes in the server's reply stream, until `until` arrives (or the socket ends). */
function readCodes(
  socket: ReturnType<typeof connect>,
  until: (codes: string[]) => boolean,
): Promise<string[]> {
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    const codes: string[] = [];
    const finish = () => resolve(codes);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 5 && buffer.length >= 1 + buffer.readUInt32BE(1)) {
        codes.push(String.fromCharCode(buffer[0]));
        buffer = buffer.subarray(1 + buffer.readUInt32BE(1));
      }
      if (until(codes)) finish();
    });
    socket.on('close', finish);
  });
}

it('holds a trusting upstream until the client password arrives, however late', async () => {
  const socket = connect(t.server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const { user } = credentials('trust');
  let answered = false;
  // One reader for the whole conversation: the server may forward the upstream's startup
  // messages before the password, so only the order after it matters.
  const conversation = readCodes(socket, (codes) => answered && codes.includes('D') && codes.at(-1) === 'Z');
  socket.write(serialize.startup({ user, database: 'postgres' }));
  // Let the upstream connection (trust: no password needed) finish before we answer.
  await new Promise((resolve) => setTimeout(resolve, 300));
  answered = true;
  socket.write(Buffer.concat([serialize.password('anything'), serialize.query('select 1')]));
  const codes = await conversation;
  socket.destroy();
  expect(codes).not.toContain('E');
  expect(codes.slice(-4)).toEqual(['T', 'D', 'C', 'Z']);
});

it("shows the client nothing of the upstream's startup before its password (a client would send queries early)", async () => {
  const socket = connect(t.server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const { user } = credentials('trust');
  const application = `edgepg-held-${process.pid}`;
  let answered = false;
  const conversation = readCodes(socket, (codes) => answered && codes.at(-1) === 'Z' && codes.includes('D'));
  const before: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => {
    if (!answered) before.push(chunk);
  });
  socket.write(serialize.startup({ user, database: 'postgres', application_name: application }));
  // Wait until the upstream session is really ready (idle in pg_stat_activity), then look.
  const admin = new pg.Client(clientConfig('superuser'));
  await admin.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await admin.query(
        "select 1 from pg_stat_activity where application_name = $1 and state = 'idle'",
        [application],
      );
      if (rows.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await admin.end();
  }
  // Only our AuthenticationCleartextPassword so far.
  expect(Buffer.concat(before)).toEqual(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
  answered = true;
  socket.write(Buffer.concat([serialize.password('anything'), serialize.query('select 1')]));
  const codes = await conversation;
  socket.destroy();
  expect(codes[0]).toBe('R');
  expect(codes.slice(1, 2)).toEqual(['R']);
  expect(codes.slice(-5)).toEqual(['Z', 'T', 'D', 'C', 'Z']);
});
