/**
 * Coalesces the many small messages of one tick (a pipelined burst of Parse/Bind/Describe/
 * Execute/Sync) into one transport write: flushed on a microtask, or at once past a size cap so
 * a huge burst streams instead of piling up. Neon's driver waits a `setTimeout(0)` (~1 ms) per
 * flush; a microtask costs nothing measurable.
 */
import type { Transport } from '../transport/transport.js';

const FLUSH_AT_BYTES = 64 * 1024;

export class WriteCoalescer {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private scheduled = false;

  constructor(
    private readonly transport: Transport,
    private readonly coalesce = true,
  ) {}

  write(data: Uint8Array): void {
    if (!this.coalesce) {
      this.transport.write(data);
      return;
    }
    this.chunks.push(data);
    this.size += data.byteLength;
    if (this.size >= FLUSH_AT_BYTES) {
      this.flush();
    } else if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.chunks.length === 0) return;
    const chunks = this.chunks;
    const size = this.size;
    this.chunks = [];
    this.size = 0;
    if (chunks.length === 1) {
      this.transport.write(chunks[0]);
      return;
    }
    const joined = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      joined.set(chunk, offset);
      offset += chunk.byteLength;
    }
    this.transport.write(joined);
  }
}
