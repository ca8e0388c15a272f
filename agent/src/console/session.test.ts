import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { createLogger } from "../log";
import { ConsoleSession, type ConsoleSource } from "./session";

/** An in-process source that produces output on demand and honours pause/resume, like a PTY. */
class ScriptedSource implements ConsoleSource {
  listeners = new Set<(c: Buffer) => void>();
  exitListeners = new Set<(i: { code: number | null }) => void>();
  written: (Buffer | string)[] = [];
  paused = false;
  pauses = 0;
  resumes = 0;
  closed = false;
  private pending: Buffer[] = [];
  onData(l: (c: Buffer) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  onExit(l: (i: { code: number | null }) => void) {
    this.exitListeners.add(l);
    return () => this.exitListeners.delete(l);
  }
  write(d: Buffer | string) {
    this.written.push(d);
  }
  pause() {
    this.paused = true;
    this.pauses++;
  }
  resume() {
    this.paused = false;
    this.resumes++;
    this.flush();
  }
  close() {
    this.closed = true;
  }
  /** Queues output; delivered while not paused (a paused PTY holds it in the kernel). */
  emit(chunk: Buffer) {
    this.pending.push(chunk);
    this.flush();
  }
  exit(code: number) {
    for (const l of this.exitListeners) l({ code });
  }
  private flush() {
    while (!this.paused && this.pending.length) {
      const c = this.pending.shift()!;
      for (const l of this.listeners) l(c);
    }
  }
}

const log = createLogger("silent");
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function serve(session: ConsoleSession): Promise<string> {
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws) => session.attach(ws));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise<void>((r) => server.close(() => r()));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function open(url: string): Promise<{ ws: WebSocket; received: () => number; text: () => string }> {
  const ws = new WebSocket(url);
  let n = 0;
  let text = "";
  ws.on("message", (d: Buffer) => {
    n += d.length;
    if (text.length < 10_000) text += d.toString("latin1");
  });
  await new Promise((r, j) => ws.once("open", r).once("error", j));
  cleanup.push(async () => ws.terminate());
  return { ws, received: () => n, text: () => text };
}

async function until(fn: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("ConsoleSession", () => {
  it("pauses the source while a viewer's socket is backed up and resumes when it drains", async () => {
    const source = new ScriptedSource();
    const session = new ConsoleSession(source, { name: "bp", log, graceMs: null, highWaterMark: 256 * 1024, lowWaterMark: 64 * 1024 });
    const url = await serve(session);
    const viewer = await open(url);
    await until(() => session.viewers === 1, "the viewer to attach");
    // Stop reading on the client: the server's socket buffer fills, bufferedAmount climbs.
    (viewer.ws as unknown as { _socket: import("node:net").Socket })._socket.pause();
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const total = 400;
    for (let i = 0; i < total; i++) source.emit(chunk);
    await until(() => source.pauses > 0, "the source to be paused");
    expect(session.isPaused).toBe(true);
    (viewer.ws as unknown as { _socket: import("node:net").Socket })._socket.resume();
    await until(() => viewer.received() === total * chunk.length, "every byte to arrive", 30_000);
    expect(source.resumes).toBeGreaterThan(0);
    expect(session.isPaused).toBe(false);
  });

  it("routes binary and text input to the source and resize to resize", async () => {
    const source = new ScriptedSource();
    const sizes: [number, number][] = [];
    const withResize: ConsoleSource = Object.assign(source, { resize: (c: number, r: number) => void sizes.push([c, r]) });
    const session = new ConsoleSession(withResize, { name: "in", log, graceMs: null });
    const viewer = await open(await serve(session));
    viewer.ws.send(Buffer.from("ls\r"));
    viewer.ws.send("pwd\r");
    viewer.ws.send('{"type":"resize","cols":90,"rows":33}');
    viewer.ws.send('{"type":"resize","cols":"x"}'); // not a valid control message: typed text
    await until(() => source.written.length === 3 && sizes.length === 1, "input and resize");
    expect(source.written.map(String)).toEqual(["ls\r", "pwd\r", '{"type":"resize","cols":"x"}']);
    expect(sizes).toEqual([[90, 33]]);
    expect(session.terminalSize).toEqual({ cols: 90, rows: 33 });
  });

  it("replays the scrollback first, then live output, to each viewer", async () => {
    const source = new ScriptedSource();
    const session = new ConsoleSession(source, { name: "sb", log, graceMs: null, scrollbackBytes: 16 });
    const url = await serve(session);
    source.emit(Buffer.from("0123456789abcdefXYZ"));
    const v = await open(url);
    await until(() => v.text() === "3456789abcdefXYZ", "the scrollback (last 16 bytes)");
    source.emit(Buffer.from("+live"));
    await until(() => v.text().endsWith("+live"), "live output");
  });

  it("closes after the grace period without viewers; a returning viewer cancels the countdown", async () => {
    const source = new ScriptedSource();
    let closed = false;
    const session = new ConsoleSession(source, { name: "g", log, graceMs: 300, onClosed: () => (closed = true) });
    const url = await serve(session);
    const a = await open(url);
    await until(() => session.viewers === 1, "attach");
    a.ws.close();
    await until(() => session.viewers === 0, "detach");
    expect(session.expires).toBeInstanceOf(Date);
    const b = await open(url);
    await until(() => session.viewers === 1, "re-attach");
    expect(session.expires).toBeUndefined();
    expect(closed).toBe(false);
    b.ws.close();
    await until(() => closed, "grace expiry");
    expect(source.closed).toBe(true);
  });

  it("closes viewers with 4000 when the source exits, without closing the source", async () => {
    const source = new ScriptedSource();
    const session = new ConsoleSession(source, { name: "x", log, graceMs: null });
    const v = await open(await serve(session));
    await until(() => session.viewers === 1, "attach");
    const closed = new Promise<[number, string]>((r) => v.ws.on("close", (c, reason) => r([c, reason.toString()])));
    source.exit(0);
    expect(await closed).toEqual([4000, "exit 0"]);
    expect(session.isClosed).toBe(true);
    expect(source.closed).toBe(false);
  });
});
