/**
 * Line handling for the game's output: the last N lines (ANSI stripped) for crash records and
 * ready detection, and a byte ring for console scrollback. Pure data structures, no I/O.
 */

// CSI sequences (colours, cursor moves such as readline's "\x1b[1G"), OSC titles, lone escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, "");
}

export class LineTail {
  private lines: string[] = [];
  private partial = "";

  constructor(
    private readonly max: number,
    /** Longest line kept; a runaway line without newline is cut so memory stays bounded. */
    private readonly maxLineLength = 4096,
  ) {}

  /** Feeds decoded output; returns the complete lines it produced (cleaned). */
  push(text: string): string[] {
    const parts = (this.partial + text).split("\n");
    this.partial = parts.pop()!;
    if (this.partial.length > this.maxLineLength) {
      parts.push(this.partial);
      this.partial = "";
    }
    const out: string[] = [];
    for (const raw of parts) {
      const line = clean(raw).slice(0, this.maxLineLength);
      if (line.trim() === "" || line.trim() === ">") continue;
      out.push(line);
      this.lines.push(line);
    }
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    return out;
  }

  /** The last `n` lines, including an unterminated last line. */
  tail(n = this.max): string[] {
    const pending = clean(this.partial);
    const all = pending.trim() ? [...this.lines, pending] : this.lines;
    return all.slice(-n);
  }

  clear(): void {
    this.lines = [];
    this.partial = "";
  }
}

/** Removes ANSI codes, carriage returns and readline's "> " prompt prefix. */
function clean(raw: string): string {
  return stripAnsi(raw).replace(/\r/g, "").replace(/^(> )+/, "");
}

/** Keeps the last `capacity` bytes of output for console replay. */
export class ByteRing {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly capacity: number) {}

  push(chunk: Buffer): void {
    if (chunk.length >= this.capacity) {
      this.chunks = [chunk.subarray(chunk.length - this.capacity)];
      this.size = this.capacity;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > this.capacity) {
      const first = this.chunks[0]!;
      const excess = this.size - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.size -= excess;
      }
    }
  }

  contents(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}
