import type { ConsoleSource } from "../console/session";
import type { Logger } from "../log";
import { fileSize, runFiles } from "./process";
import { LogFollower } from "./log-follower";

/** Console scrollback replayed to a viewer that connects (matches the session's ring). */
const REPLAY_BYTES = 64 * 1024;

/**
 * The game console as a ConsoleSource for the shared ConsoleSession: output is game.log followed
 * across runs (so it survives game restarts and agent restarts; the session's ring replays it), and
 * input is assembled into lines and handed to the supervisor, which writes them to the game's pipe.
 * Backpressure pauses this follower only: the file keeps what a slow viewer has not read yet.
 */
export class GameConsoleSource implements ConsoleSource {
  private listeners = new Set<(chunk: Buffer) => void>();
  private follower: LogFollower | null = null;
  private pending = "";

  constructor(
    private readonly runDir: string,
    private readonly sendLine: (line: string) => void,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const file = runFiles(this.runDir).log;
    const size = await fileSize(file);
    this.follower = new LogFollower(file, Math.max(0, size - REPLAY_BYTES), (chunk) => {
      for (const l of this.listeners) l(chunk);
    });
    await this.follower.start();
  }

  onData(listener: (chunk: Buffer) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Keystrokes or whole lines: a line ends at \r or \n (xterm sends \r for Enter); DEL/backspace edits. */
  write(data: Buffer | string): void {
    const text = typeof data === "string" ? data : data.toString("utf8");
    for (const ch of text) {
      if (ch === "\r" || ch === "\n") {
        const line = this.pending;
        this.pending = "";
        if (line.trim()) this.submit(line);
      } else if (ch === "\x7f" || ch === "\b") {
        this.pending = this.pending.slice(0, -1);
      } else if (ch >= " " && this.pending.length < 1000) {
        this.pending += ch;
      }
    }
  }

  pause(): void {
    this.follower?.pause();
  }

  resume(): void {
    this.follower?.resume();
  }

  async stop(): Promise<void> {
    await this.follower?.close();
  }

  private submit(line: string): void {
    try {
      this.sendLine(line);
    } catch (err) {
      // Tell the viewers why nothing happened; the game itself is not there to answer.
      const note = Buffer.from(`[zlh-agent] ${(err as Error).message}\r\n`);
      for (const l of this.listeners) l(note);
      this.log.debug({ err }, "game console line not delivered");
    }
  }
}
