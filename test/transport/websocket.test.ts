/**
 * The WebSocket transport against peers that behave unusually at the start of a session. A
 * server may answer before the client has written anything (a refusal right after the upgrade);
 * with `ws`, those bytes can arrive in the same tick as 'open', so a listener attached after the
 * handshake would miss them and the client would only see the connection close.
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { Client } from '../../src/client/client.js';
import { DatabaseError } from '../../src/core/database-error.js';

/** An ErrorResponse frame (severity FATAL) with the given SQLSTATE and message. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const frame = Buffer.alloc(5 + fields.length);
  frame.write('E', 0);
  frame.writeInt32BE(4 + fields.length, 1);
  fields.copy(frame, 5);
  return frame;
}

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function refusingServer(send: (socket: import('ws').WebSocket) => void): Promise<string> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  server.on('connection', (socket) => send(socket));
  return `127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
}

function clientVia(proxy: string): Client {
  const client = new Client({ host: 'db.example', user: 'u', password: 'p', database: 'd' });
  client.neonConfig.wsProxy = proxy;
  client.neonConfig.useSecureWebSocket = false;
  client.neonConfig.pipelineConnect = false;
  return client;
}

describe('WebSocket transport: a server that speaks first', () => {
  it('delivers an ErrorResponse sent together with the upgrade, as the connect error', async () => {
    const proxy = await refusingServer((socket) => {
      socket.send(errorResponse('28000', 'refused before startup'), { binary: true });
      socket.close(1000);
    });
    const client = clientVia(proxy);
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({ code: '28000', message: 'refused before startup' });
  });

  it('keeps the order of several early frames and the close after them', async () => {
    const proxy = await refusingServer((socket) => {
      const frame = errorResponse('08P01', 'second half');
      socket.send(frame.subarray(0, 7), { binary: true });
      socket.send(frame.subarray(7), { binary: true });
      socket.close(1000);
    });
    const client = clientVia(proxy);
    const error = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: '08P01', message: 'second half' });
  });
});
