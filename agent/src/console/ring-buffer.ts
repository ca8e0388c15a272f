/**
 * A fixed-capacity byte ring: keeps the last `capacity` bytes written (the console scrollback).
 * Pure, no I/O; `snapshot()` copies the contents out in order.
 */
export class ByteRing {
  private buf: Buffer;
  private start = 0;
  private length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError("capacity must be a positive integer");
    this.buf = Buffer.alloc(capacity);
  }

  get size(): number {
    return this.length;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.capacity) {
      // Only the tail of a huge chunk survives.
      this.buf.set(chunk.subarray(chunk.length - this.capacity));
      this.start = 0;
      this.length = this.capacity;
      return;
    }
    const end = (this.start + this.length) % this.capacity;
    const first = Math.min(chunk.length, this.capacity - end);
    this.buf.set(chunk.subarray(0, first), end);
    if (first < chunk.length) this.buf.set(chunk.subarray(first), 0);
    const overflow = this.length + chunk.length - this.capacity;
    if (overflow > 0) {
      this.start = (this.start + overflow) % this.capacity;
      this.length = this.capacity;
    } else {
      this.length += chunk.length;
    }
  }

  /**
   * The retained bytes, oldest first. When older bytes were dropped, leading UTF-8 continuation bytes
   * (a character cut in half by the wrap) are skipped so a replay never starts with a broken glyph.
   */
  snapshot(): Buffer {
    const out = Buffer.alloc(this.length);
    const first = Math.min(this.length, this.capacity - this.start);
    this.buf.copy(out, 0, this.start, this.start + first);
    if (first < this.length) this.buf.copy(out, first, 0, this.length - first);
    if (this.length < this.capacity) return out;
    let skip = 0;
    while (skip < 3 && skip < out.length && (out[skip]! & 0xc0) === 0x80) skip++;
    return out.subarray(skip);
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
