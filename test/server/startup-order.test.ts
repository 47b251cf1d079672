/**
 * Regression: a trusting upstream can finish its startup before the client has sent the
 * cleartext password the server asked for. That password must be consumed by the server, not
 * forwarded to Postgres ("invalid frontend message type 112"), however late it arrives.
 */
import { connect } from 'node:net';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { credentials } from '../setup/pg.js';
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
