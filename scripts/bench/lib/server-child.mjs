/**
 * Runs edgepg's local Neon-compatible server (`startServer`) in its own process, so its CPU does
 * not share the client's event loop.
 *
 * Service: `node lib/server-child.mjs <file URL of dist/server.js> host:port` prints `{"port":N}`
 * and runs until its stdin closes.
 */
const [serverModule, upstream] = process.argv.slice(2);
const { startServer } = await import(serverModule);
const [host, port] = upstream.split(':');
const server = await startServer({ upstream: { host, port: Number(port) }, port: 0 });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(0), 2000).unref();
  await server.close().catch(() => {});
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.resume();
