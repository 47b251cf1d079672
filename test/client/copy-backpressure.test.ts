/**
 * COPY back-pressure over every transport: a `copyTo` reader that stops pulling makes the
 * server wait (ClientWrite) while the client holds a bounded amount, and a `copyFrom` fed by a
 * fast source into a server that stops reading makes the source wait while memory stays bounded.
 * "Stopped" is observed, never timed: the server's wait event, and byte counts that stay put.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/client/client.js';
import { COPY_TO_BUFFER_BYTES } from '../../src/client/copy.js';
import { transports, useTransports } from '../support/transports.js';

const configFor = useTransports();

async function connected(transport: (typeof transports)[number]): Promise<Client> {
  const client = new Client(configFor(transport));
  await client.connect();
  return client;
}

const MiB = 1024 * 1024;
const PAD = 'x'.repeat(90);

/** The lines `copy (select g, repeat('x', 90) …) to stdout` produces, hashed on our side. */
function expectedMd5(rows: number): string {
  const hash = createHash('md5');
  let chunk = '';
  for (let g = 1; g <= rows; g++) {
    chunk += `${g}\t${PAD}\n`;
    if (g % 10_000 === 0) {
      hash.update(chunk);
      chunk = '';
    }
  }
  return hash.update(chunk).digest('hex');
}

interface Stall {
  waitEvent: string | null;
  samples: number;
}

/**
 * Polls the backend `pid` until it has waited on `event` with `progress()` unchanged for
 * `stableSamples` polls in a row: the server is blocked and the client moves no more bytes.
 * Gives up (returns what it saw last) after `maxPolls`.
 */
async function waitForStall(
  observer: Client,
  pid: number,
  event: string,
  progress: () => number,
  stableSamples = 4,
  maxPolls = 300,
): Promise<Stall> {
  let last = -1;
  let stable = 0;
  let waitEvent: string | null = null;
  for (let polls = 1; polls <= maxPolls; polls++) {
    const { rows } = await observer.query<{ wait_event: string | null }>(
      'select wait_event from pg_stat_activity where pid = $1',
      [pid],
    );
    waitEvent = rows[0]?.wait_event ?? null;
    const now = progress();
    stable = waitEvent === event && now === last ? stable + 1 : 0;
    last = now;
    if (stable >= stableSamples) return { waitEvent, samples: polls };
    await sleep(100);
  }
  return { waitEvent, samples: maxPolls };
}

describe.each(transports)('COPY back-pressure over %s', (transport) => {
  it('copyTo: a stalled reader pauses the socket, the server waits in ClientWrite, the client buffers a bounded amount', async () => {
    const client = await connected(transport);
    const observer = await connected('tcp');
    const rows = 1_000_000;
    const copy = client.copyTo(
      `copy (select g, repeat('x', 90) from generate_series(1, ${rows}) g) to stdout`,
    );
    copy.done.catch(() => {});
    const reader = copy.getReader();
    const hash = createHash('md5');
    let read = 0;
    const first = await reader.read();
    if (first.done) throw new Error('copyTo ended before its first chunk');
    hash.update(first.value);
    read += first.value.byteLength;

    // The reader stops here. The server must end up blocked on the socket, with nothing moving.
    const stall = await waitForStall(observer, client.processID!, 'ClientWrite', () => copy.bytesReceived);
    expect(stall.waitEvent).toBe('ClientWrite');
    const buffered = copy.bytesReceived - read;
    console.info(
      `[copyTo ${transport}] stalled after ${(copy.bytesReceived / MiB).toFixed(2)} MiB received, ${(buffered / MiB).toFixed(2)} MiB unread on the client`,
    );
    // The stream's queue (COPY_TO_BUFFER_BYTES) plus what was already on its way when the
    // socket paused: one network chunk, one 64 KiB join.
    expect(buffered).toBeLessThan(COPY_TO_BUFFER_BYTES + MiB);

    // Reading again resumes the socket and the COPY finishes intact.
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      hash.update(next.value);
      read += next.value.byteLength;
    }
    expect(await copy.done).toBe(rows);
    expect(read).toBe(copy.bytesReceived);
    expect(read).toBeGreaterThan(90 * MiB);
    expect(hash.digest('hex')).toBe(expectedMd5(rows));
    expect((await client.query('select 1 as ok')).rows).toEqual([{ ok: 1 }]);
    await observer.end();
    await client.end();
  }, 180_000);

  it('copyFrom: a fast 200 MB source into a server that stops reading waits, memory stays bounded', async () => {
    const client = await connected(transport);
    const observer = await connected('tcp');
    const gate = transport === 'tcp' ? 61_001 : 61_002;
    await client.query('create temp table copy_gate (id int, pad text)');
    // The first row waits for an advisory lock the observer holds: the server stops reading
    // the COPY data until the test opens the gate.
    await client.query(
      `create function pg_temp.copy_gate_wait() returns trigger language plpgsql as $$
       begin perform pg_advisory_xact_lock_shared(${gate}); return new; end $$`,
    );
    await client.query(
      'create trigger copy_gate_first before insert on copy_gate for each row when (new.id = 1) execute function pg_temp.copy_gate_wait()',
    );
    await observer.query('select pg_advisory_lock($1)', [gate]);

    const totalBytes = 200 * MiB;
    let produced = 0;
    let rows = 0;
    const source = Readable.from(
      (function* () {
        while (produced < totalBytes) {
          let chunk = '';
          for (let i = 0; i < 640; i++) chunk += `${++rows}\t${PAD}\n`;
          const bytes = Buffer.from(chunk);
          produced += bytes.byteLength;
          yield bytes;
        }
      })(),
      { objectMode: false },
    );
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    const copy = client.copyFrom('copy copy_gate (id, pad) from stdin');
    const piped = pipeline(source, copy.toNodeWritable());
    piped.catch(() => {});
    let gateOpen = false;
    const openGate = async () => {
      if (gateOpen) return;
      gateOpen = true;
      await observer.query('select pg_advisory_unlock($1)', [gate]);
    };

    try {
      // The server is stuck on the lock and the source has stopped producing.
      const stall = await waitForStall(observer, client.processID!, 'advisory', () => produced);
      expect(stall.waitEvent).toBe('advisory');
      const producedWhileBlocked = produced;
      const growthWhileBlocked = process.memoryUsage().rss - baseline;
      console.info(
        `[copyFrom ${transport}] source stopped after ${(producedWhileBlocked / MiB).toFixed(1)} MiB, rss +${(growthWhileBlocked / MiB).toFixed(1)} MiB`,
      );
      // What left the source is in the network buffers (socket send/receive buffers on each hop,
      // Linux autotunes them to a few MiB each), our 1 MiB transport bound, and stream queues.
      expect(producedWhileBlocked).toBeLessThan(totalBytes / 4);

      await openGate();
      await piped;
      const growth = peak - baseline;
      console.info(
        `[copyFrom ${transport}] ${rows} rows, ${(produced / MiB).toFixed(1)} MiB, peak rss +${(growth / MiB).toFixed(1)} MiB`,
      );
      // What the client may hold: the transport's 1 MiB bound, the 64 KiB write coalescer, one
      // chunk in the Web and Node stream queues each; the rest of the bound is room for source
      // chunks the collector has not reclaimed yet. Without back-pressure the blocked server
      // leaves the whole 200 MB in the client (measured: +100 MiB RSS and more).
      expect(growth).toBeLessThan(48 * MiB);
    } finally {
      clearInterval(sampler);
      // A failed check must not leave the COPY (and the test) hanging on the lock.
      await openGate();
    }
    expect(await copy.done).toBe(rows);
    const { rows: check } = await client.query(
      'select count(*)::int as n, max(id) as max, sum(length(pad))::bigint::text as pad from copy_gate',
    );
    expect(check).toEqual([{ n: rows, max: rows, pad: String(rows * PAD.length) }]);
    await observer.end();
    await client.end();
  }, 240_000);
});
