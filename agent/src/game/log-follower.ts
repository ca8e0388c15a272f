import { watch, type FSWatcher } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";

/**
 * Follows a growing file from a byte offset (like `tail -f`): inotify for promptness, a slow poll as
 * the safety net. The file is the buffer, so a paused follower loses nothing; it resumes where it was.
 */
export class LogFollower {
  private fh: FileHandle | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private again = false;
  private paused = false;
  private closed = false;

  constructor(
    private readonly file: string,
    public offset: number,
    private readonly onChunk: (chunk: Buffer) => void,
    private readonly pollMs = 500,
  ) {}

  async start(): Promise<void> {
    this.fh = await open(this.file, "a+").then(async (h) => {
      await h.close();
      return open(this.file, "r");
    });
    try {
      this.watcher = watch(this.file, () => void this.kick());
      this.watcher.on("error", () => undefined);
    } catch {
      // inotify unavailable: the poll still works
    }
    this.timer = setInterval(() => void this.kick(), this.pollMs);
    this.timer.unref();
    await this.kick();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    void this.kick();
  }

  /** Reads everything written so far (used before a crash record takes the log tail). */
  async drain(): Promise<void> {
    await this.kick();
    while (this.reading) await this.reading;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    while (this.reading) await this.reading;
    await this.fh?.close().catch(() => undefined);
    this.fh = null;
  }

  private kick(): Promise<void> {
    if (this.closed || this.paused || !this.fh) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readAvailable().finally(() => {
      this.reading = null;
      if (this.again) {
        this.again = false;
        void this.kick();
      }
    });
    return this.reading;
  }

  private async readAvailable(): Promise<void> {
    const buf = Buffer.allocUnsafe(64 * 1024);
    for (;;) {
      if (this.closed || this.paused || !this.fh) return;
      const { size } = await this.fh.stat();
      // Truncated under us (log rotated by copy-truncate): start over from the beginning.
      if (size < this.offset) this.offset = 0;
      if (size === this.offset) return;
      const { bytesRead } = await this.fh.read(buf, 0, Math.min(buf.length, size - this.offset), this.offset);
      if (bytesRead === 0) return;
      this.offset += bytesRead;
      this.onChunk(Buffer.from(buf.subarray(0, bytesRead)));
    }
  }
}
