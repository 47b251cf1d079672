/**
 * A userspace TCP delay line (performance.md §5.1, option C): each accepted connection is piped
 * to a target, and every chunk is held for rtt/2 in its own direction, in order.
 *
 * Why a process of its own: a client busy with CPU (Neon's 4096 awaited HMACs, a 100k-row
 * decode) would otherwise delay the proxy's timers and show up as fake network time.
 *
 * Caveats, all measured by the harness rather than assumed:
 * - The TCP handshake to the proxy completes at once on loopback. Real TCP spends one RTT before
 *   the client may send, so the first client→server chunk is held one extra RTT (`handshake`).
 * - Node timers fire late by up to ~1 ms, so the delivered RTT is a little above the nominal one.
 *   `calibrate()` measures it with an echo target; RTT counts divide by the delivered value.
 * - The proxy terminates TCP: Nagle, segmentation and ACK timing of the emulated link are not
 *   reproduced. Every socket has noDelay, on both sides.
 *
 * As a module: `startDelayProxy({ target, rttMs })`. As a CLI (what run.mjs uses):
 *   node delay-proxy.mjs --target pg=127.0.0.1:5432 [--target …] --rtt 0,10,50 [--echo] [--no-handshake]
 * prints one JSON line `{"ports":{"pg":{"0":p,"10":p,…},"echo":{…}}}` and runs until its stdin
 * closes (the parent exited or died) or it gets SIGTERM.
 */
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

/** Above this many queued bytes in one direction the source is paused until the line drains. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * One direction of one connection: chunks leave `delayMs` after they arrived, never before an
 * earlier chunk. A single timer is armed for the head of the queue.
 */
class DelayLine {
  constructor(source, sink, delayMs, firstExtraMs) {
    this.source = source;
    this.sink = sink;
    this.delayMs = delayMs;
    this.extraMs = firstExtraMs;
    this.queue = [];
    this.queuedBytes = 0;
    this.timer = undefined;
    this.lastDue = 0;
    this.ended = false;
  }

  push(chunk) {
    const now = performance.now();
    const due = Math.max(now + this.delayMs + this.extraMs, this.lastDue);
    this.extraMs = 0;
    this.lastDue = due;
    if (due <= now && this.queue.length === 0) {
      this.sink.write(chunk);
      return;
    }
    this.queue.push({ due, chunk });
    this.queuedBytes += chunk.length;
    if (this.queuedBytes > HIGH_WATER) this.source.pause();
    this.arm();
  }

  end() {
    this.ended = true;
    if (this.queue.length === 0) this.sink.end();
  }

  arm() {
    if (this.timer !== undefined || this.queue.length === 0) return;
    const wait = Math.max(0, this.queue[0].due - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  flush() {
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0].due <= now + 0.05) {
      const { chunk } = this.queue.shift();
      this.queuedBytes -= chunk.length;
      this.sink.write(chunk);
    }
    if (this.queuedBytes <= HIGH_WATER) this.source.resume();
    if (this.queue.length > 0) this.arm();
    else if (this.ended) this.sink.end();
  }

  destroy() {
    clearTimeout(this.timer);
    this.queue.length = 0;
  }
}

/**
 * Starts one delaying listener in front of `target`. Resolves to
 * `{ port, rttMs, connections, close() }` once listening on 127.0.0.1.
 */
export function startDelayProxy({ target, rttMs, handshake = true, port = 0 }) {
  const oneWay = rttMs / 2;
  const sockets = new Set();
  const stats = { connections: 0 };
  const server = createServer((client) => {
    stats.connections++;
    client.setNoDelay(true);
    const upstream = connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    sockets.add(client);
    sockets.add(upstream);
    const up = new DelayLine(client, upstream, oneWay, handshake ? rttMs : 0);
    const down = new DelayLine(upstream, client, oneWay, 0);
    client.on('data', (chunk) => up.push(chunk));
    upstream.on('data', (chunk) => down.push(chunk));
    client.on('end', () => up.end());
    upstream.on('end', () => down.end());
    const teardown = () => {
      up.destroy();
      down.destroy();
      client.destroy();
      upstream.destroy();
    };
    client.on('error', teardown);
    upstream.on('error', teardown);
    client.on('close', () => {
      sockets.delete(client);
      if (up.queue.length === 0) upstream.end();
    });
    upstream.on('close', () => {
      sockets.delete(upstream);
      if (down.queue.length === 0) client.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: server.address().port,
        rttMs,
        get connections() {
          return stats.connections;
        },
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A TCP echo server on 127.0.0.1, used to calibrate the delay line. */
export function startEchoServer() {
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: server.address().port,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

/**
 * The round trip a delay line really delivers: median time of `pings` 1-byte echoes on one
 * warm connection through the proxy at `port`.
 */
export async function calibrate(port, pings = 15) {
  const socket = connect({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const times = [];
  try {
    // The first exchange pays the emulated handshake; it is a warm-up, not a sample.
    for (let i = 0; i <= pings; i++) {
      const started = performance.now();
      await new Promise((resolve) => {
        socket.once('data', resolve);
        socket.write('x');
      });
      if (i > 0) times.push(performance.now() - started);
    }
  } finally {
    socket.destroy();
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function parseCli(argv) {
  const targets = {};
  let rtts = [0];
  let echo = false;
  let handshake = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--target') {
      const [name, address] = argv[++i].split('=');
      const [host, port] = address.split(':');
      targets[name] = { host, port: Number(port) };
    } else if (arg === '--rtt') {
      rtts = argv[++i].split(',').map(Number);
    } else if (arg === '--echo') {
      echo = true;
    } else if (arg === '--no-handshake') {
      handshake = false;
    } else {
      throw new Error(`delay-proxy: unknown argument ${arg}`);
    }
  }
  return { targets, rtts, echo, handshake };
}

async function main() {
  const { targets, rtts, echo, handshake } = parseCli(process.argv.slice(2));
  const closers = [];
  if (echo) {
    const server = await startEchoServer();
    closers.push(server.close);
    targets.echo = { host: '127.0.0.1', port: server.port };
  }
  const ports = {};
  for (const [name, target] of Object.entries(targets)) {
    ports[name] = {};
    for (const rtt of rtts) {
      const proxy = await startDelayProxy({ target, rttMs: rtt, handshake });
      closers.push(proxy.close);
      ports[name][rtt] = proxy.port;
    }
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled(closers.map((close) => close()));
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The parent holds our stdin open; when it goes away, so do we (no orphans).
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
