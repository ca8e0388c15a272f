import type { WebSocket, RawData } from "ws";
import { CONSOLE_MAX_MESSAGE_BYTES, consoleCloseCodes, parseConsoleControl, type TerminalSize } from "../contract/console";
import type { Logger } from "../log";
import { nextFlowState } from "./flow-control";
import { ByteRing } from "./ring-buffer";

/**
 * A console session: one output source (a PTY shell, a game server's stdio) shared by any number of
 * WebSocket viewers, with a scrollback replayed to each new viewer. Reused by the dev shell
 * (agent/src/console/) and the game console; the protocol is in contract/console.ts.
 *
 * Using it for another source:
 *
 *   const session = new ConsoleSession(source, { name: "game", log, graceMs: null });
 *   router.ws("/game/console", (ws) => session.attach(ws));
 *
 * - `ConsoleSource` is all a session needs: output subscription, input, optional resize, pause and
 *   resume (backpressure), and optionally an exit signal and `close()`.
 * - Output is broadcast as binary frames; a new viewer first gets the scrollback (64 KiB ring).
 * - Input: binary frames and non-control text frames go to `source.write`; `{"type":"resize"}`
 *   text frames go to `source.resize` (ignored when the source has none).
 * - Backpressure: `source.pause()` while any viewer has more than `highWaterMark` bytes unsent,
 *   `source.resume()` once all are at or below `lowWaterMark`.
 * - Messages larger than `maxMessageBytes` close that viewer with 1009.
 * - `graceMs`: after the last viewer leaves the session closes (and closes its source) after this
 *   delay unless a viewer comes back; `null` keeps it open (e.g. the game console, whose process
 *   is owned by the supervisor).
 * - When the source exits, every viewer is closed with 4000 and reason `exit <code>`.
 */
export interface ConsoleSource {
  /** Subscribes to output; returns the unsubscribe function. */
  onData(listener: (chunk: Buffer) => void): () => void;
  /** Subscribes to the end of the source (process exit); returns the unsubscribe function. */
  onExit?(listener: (info: { code: number | null; signal?: number | string | null }) => void): () => void;
  write(data: Buffer | string): void;
  resize?(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  /** Ends the source (kills the shell). Called when the session closes; omit for sources owned elsewhere. */
  close?(): void;
}

export type ConsoleSessionOptions = {
  name: string;
  log: Logger;
  /** null: never close for lack of viewers. */
  graceMs: number | null;
  scrollbackBytes?: number;
  highWaterMark?: number;
  lowWaterMark?: number;
  maxMessageBytes?: number;
  /** The source's current size, when it has one. */
  size?: TerminalSize;
  onClosed?: () => void;
};

export const DEFAULT_SCROLLBACK_BYTES = 64 * 1024;
export const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
export const DEFAULT_LOW_WATER_MARK = 256 * 1024;

const rawToBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

export class ConsoleSession {
  readonly name: string;
  readonly startedAt = new Date();
  private viewerSet = new Set<WebSocket>();
  private ring: ByteRing;
  private paused = false;
  private closed = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private expiresAt: Date | undefined;
  private unsubscribe: (() => void)[] = [];
  private size: TerminalSize | undefined;
  private readonly high: number;
  private readonly low: number;
  private readonly maxMessage: number;

  constructor(
    private source: ConsoleSource,
    private opts: ConsoleSessionOptions,
  ) {
    this.name = opts.name;
    this.ring = new ByteRing(opts.scrollbackBytes ?? DEFAULT_SCROLLBACK_BYTES);
    this.high = opts.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.low = opts.lowWaterMark ?? DEFAULT_LOW_WATER_MARK;
    this.maxMessage = opts.maxMessageBytes ?? CONSOLE_MAX_MESSAGE_BYTES;
    this.size = opts.size;
    this.unsubscribe.push(source.onData((chunk) => this.broadcast(chunk)));
    if (source.onExit) {
      this.unsubscribe.push(
        source.onExit(({ code, signal }) => {
          this.opts.log.info({ session: this.name, code, signal }, "console source exited");
          this.close(consoleCloseCodes.exited, `exit ${code ?? signal ?? "unknown"}`, false);
        }),
      );
    }
    this.armGrace();
  }

  get viewers(): number {
    return this.viewerSet.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get terminalSize(): TerminalSize | undefined {
    return this.size;
  }

  /** When the session closes for lack of viewers (undefined while it has viewers or never expires). */
  get expires(): Date | undefined {
    return this.expiresAt;
  }

  /** Adds a viewer: sends the scrollback, then live output; its input goes to the source. */
  attach(ws: WebSocket): void {
    if (this.closed) {
      ws.close(consoleCloseCodes.exited, "session closed");
      return;
    }
    this.disarmGrace();
    const scrollback = this.ring.snapshot();
    if (scrollback.length) ws.send(scrollback, { binary: true });
    this.viewerSet.add(ws);
    ws.on("message", (data, isBinary) => this.onMessage(ws, data, isBinary));
    ws.on("close", () => this.detach(ws));
    ws.on("error", (err) => {
      this.opts.log.debug({ err, session: this.name }, "console viewer error");
      this.detach(ws);
    });
  }

  /** Closes every viewer and, when `closeSource`, the source. Idempotent. */
  close(code: number = consoleCloseCodes.goingAway, reason = "session closed", closeSource = true): void {
    if (this.closed) return;
    this.closed = true;
    this.disarmGrace();
    for (const off of this.unsubscribe) off();
    for (const ws of this.viewerSet) ws.close(code, reason);
    this.viewerSet.clear();
    if (closeSource) this.source.close?.();
    this.opts.onClosed?.();
  }

  private onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const buf = rawToBuffer(data);
    if (buf.length > this.maxMessage) {
      ws.close(consoleCloseCodes.tooBig, `message larger than ${this.maxMessage} bytes`);
      return;
    }
    if (isBinary) {
      this.source.write(buf);
      return;
    }
    const text = buf.toString("utf8");
    const control = parseConsoleControl(text);
    if (!control) {
      this.source.write(text);
      return;
    }
    if (control.type === "resize" && this.source.resize) {
      this.size = { cols: control.cols, rows: control.rows };
      this.source.resize(control.cols, control.rows);
    }
  }

  private broadcast(chunk: Buffer): void {
    this.ring.push(chunk);
    for (const ws of this.viewerSet) {
      if (ws.readyState !== ws.OPEN) continue;
      // Only a backed-up viewer needs to tell us when its data left, to resume the source.
      if (ws.bufferedAmount + chunk.length > this.low) ws.send(chunk, { binary: true }, () => this.updateFlow());
      else ws.send(chunk, { binary: true });
    }
    this.updateFlow();
  }

  private updateFlow(): void {
    if (this.closed) return;
    const buffered = [...this.viewerSet].map((ws) => ws.bufferedAmount);
    const next = nextFlowState(this.paused, buffered, { high: this.high, low: this.low });
    if (next === this.paused) return;
    this.paused = next;
    if (next) this.source.pause();
    else this.source.resume();
  }

  private detach(ws: WebSocket): void {
    if (!this.viewerSet.delete(ws)) return;
    this.updateFlow();
    this.armGrace();
  }

  private armGrace(): void {
    if (this.closed || this.viewerSet.size > 0 || this.opts.graceMs === null || this.graceTimer) return;
    const ms = this.opts.graceMs;
    this.expiresAt = new Date(Date.now() + ms);
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      this.opts.log.info({ session: this.name }, "console session closed after its grace period");
      this.close(consoleCloseCodes.goingAway, "no viewers");
    }, ms);
    this.graceTimer.unref();
  }

  private disarmGrace(): void {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.expiresAt = undefined;
  }
}
