/**
 * A FIFO of received chunks that is read by whole protocol messages. Chunks are only joined when
 * a message straddles them, so the common case (one chunk holds whole messages) copies nothing.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  /** Bytes already consumed from `chunks[0]`. */
  private head = 0;
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(
      Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength),
    );
    this.length += chunk.byteLength;
  }

  /** The byte at `offset` from the read position (the caller checks `length` first). */
  byteAt(offset: number): number {
    let i = 0;
    let at = this.head + offset;
    while (at >= this.chunks[i].length) {
      at -= this.chunks[i].length;
      i++;
    }
    return this.chunks[i][at];
  }

  /** Big-endian signed int32 at `offset`; the caller checks that `offset + 4 <= length`. */
  int32At(offset: number): number {
    const first = this.chunks[0];
    const at = this.head + offset;
    if (at + 4 <= first.length) return first.readInt32BE(at);
    return (
      (this.byteAt(offset) << 24) |
      (this.byteAt(offset + 1) << 16) |
      (this.byteAt(offset + 2) << 8) |
      this.byteAt(offset + 3)
    );
  }

  /** Removes and returns the next `n` bytes (a view when they sit in one chunk). */
  take(n: number): Buffer {
    if (n > this.length) throw new RangeError(`take(${n}) with only ${this.length} bytes queued`);
    this.length -= n;
    const first = this.chunks[0];
    if (first && this.head + n <= first.length) {
      const out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let written = 0;
    while (written < n) {
      const chunk = this.chunks[0];
      const available = chunk.length - this.head;
      const count = Math.min(available, n - written);
      chunk.copy(out, written, this.head, this.head + count);
      written += count;
      this.head += count;
      if (this.head === chunk.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return out;
  }

  /** Removes and returns everything queued, as the list of remaining chunks. */
  drain(): Buffer[] {
    const out = this.chunks;
    if (out.length > 0 && this.head > 0) out[0] = out[0].subarray(this.head);
    this.chunks = [];
    this.head = 0;
    this.length = 0;
    return out;
  }
}
