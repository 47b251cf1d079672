/**
 * A WebSocket → TCP byte pipe in front of PostgreSQL, like Neon's wsproxy: binary frames in,
 * bytes out, both ways, nothing parsed. Clients speak the Postgres protocol (any auth method)
 * end to end through it. Unlike wsproxy it ignores `?address=` and only ever dials its target.
 *
 * Service: `node lib/ws-relay.mjs --target host:port` prints `{"port":N}` and runs until its
 * stdin closes.
 */
import { connect } from 'node:net';
import { WebSocketServer } from 'ws';

const targetArg = process.argv[process.argv.indexOf('--target') + 1];
const [host, port] = targetArg.split(':');

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (ws) => {
  const socket = connect({ host, port: Number(port) });
  socket.setNoDelay(true);
  const early = [];
  socket.once('connect', () => {
    for (const chunk of early.splice(0)) socket.write(chunk);
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return ws.close(1003);
    if (socket.connecting) early.push(data);
    else socket.write(data);
  });
  socket.on('data', (chunk) => ws.send(chunk, { binary: true }));
  socket.on('close', () => ws.close(1000));
  socket.on('error', () => ws.terminate());
  ws.on('close', () => socket.destroy());
  ws.on('error', () => socket.destroy());
});
server.once('listening', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));

const stop = () => {
  for (const client of server.clients) client.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
