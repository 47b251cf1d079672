/**
 * The local server under load, in a process of its own so that its memory figures are its own
 * (the load generator's allocations would otherwise dominate the heap). Bundled by
 * local-server.test.ts and run with `--expose-gc`; talks to the test over IPC:
 *
 * - → `{ type: 'ready', port }` once listening;
 * - → `{ type: 'memory', at, rss, heapUsed, external }` every second, measured right after a
 *   full GC so that the figures are live memory, not whatever garbage the last collection left;
 * - ← `'stop'`: closes the server and exits.
 */
import { startServer } from '../../src/server/server.js';

interface ChildConfig {
  upstream: { host: string; port: number };
  maxConnectionsPerKey: number;
}

export interface MemorySample {
  /** Seconds since the server started. */
  at: number;
  rss: number;
  heapUsed: number;
  /** Off-heap memory of live objects (Buffers). */
  external: number;
}

export type ChildMessage =
  | { type: 'ready'; port: number }
  | ({ type: 'memory' } & MemorySample)
  | { type: 'log'; level: string; message: string };

const send = (message: ChildMessage) => process.send?.(message);
const config = JSON.parse(process.env.EDGEPG_LOAD_CONFIG ?? '') as ChildConfig;
const collect = (globalThis as { gc?: () => void }).gc;
if (!collect) throw new Error('run with --expose-gc');

const server = await startServer({
  upstream: config.upstream,
  port: 0,
  pool: { maxConnectionsPerKey: config.maxConnectionsPerKey },
  // Warnings and errors only: a line per request would be the load test's main cost.
  log: (level, message) => {
    if (level === 'warn' || level === 'error') send({ type: 'log', level, message });
  },
});
const started = performance.now();
const sampler = setInterval(() => {
  collect();
  const { rss, heapUsed, external } = process.memoryUsage();
  send({ type: 'memory', at: (performance.now() - started) / 1000, rss, heapUsed, external });
}, 1000);
send({ type: 'ready', port: server.port });

process.on('message', async (message) => {
  if (message !== 'stop') return;
  clearInterval(sampler);
  await server.close();
  process.disconnect?.();
});
// The test process went away without saying stop: do not outlive it.
process.on('disconnect', () => process.exit(0));
