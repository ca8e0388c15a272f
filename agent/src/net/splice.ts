import type { Duplex } from "node:stream";

/**
 * Joins two byte streams both ways with backpressure: each side is paused while the other cannot
 * take more, an end is passed on, and an error or close on either side destroys both. No parsing:
 * used for tunnels once whatever was on them has been authorized.
 *
 * A portal and an agent hold one spliced pair per open IDE WebSocket, thousands of them idle, so a
 * pair costs only its two streams: the handlers are shared module-level functions (no closures,
 * contexts or once-wrappers per pair) that find the other side through one property on each stream.
 */
/**
 * Bytes queued towards one side before the other is paused. Sockets signal "full" at 16 KiB, which
 * would pause and resume the reading side around every 64 KiB chunk; a larger allowance keeps big
 * responses streaming and still bounds what a slow reader can make us hold.
 */
const MAX_QUEUED = 512 * 1024;

const PEER = Symbol("splicePeer");
type Spliced = Duplex & { [PEER]: Duplex };

function onData(this: Spliced, d: Buffer): void {
  const peer = this[PEER];
  if (!peer.write(d) && peer.writableLength > MAX_QUEUED) this.pause();
}

/** This side took what was queued for it: the side feeding it may read again. */
function onDrain(this: Spliced): void {
  this[PEER].resume();
}

function onEnd(this: Spliced): void {
  this[PEER].end();
}

function onGone(this: Spliced): void {
  this.destroy();
  this[PEER].destroy();
}

/**
 * A side that closed after a clean end has already passed that end on: the peer still holds up to
 * MAX_QUEUED bytes for its reader and closes by itself once they are written. Destroying it here
 * cut responses short (nginx: "upstream prematurely closed connection" on code-server's scripts).
 */
function onClose(this: Spliced): void {
  if (this.readableEnded && !this[PEER].destroyed) return void this[PEER].end();
  onGone.call(this);
}

/**
 * Moves a stream's listeners into a fresh table, in order (once-listeners stay once). Listeners
 * added and removed before the splice (an HTTP server's parser hooks, waits for connect or for an
 * answer) leave the table a slow dictionary of deleted keys, several hundred bytes that every idle
 * session would keep; emptying it makes EventEmitter start a new one.
 */
function compactListeners(s: Duplex): void {
  const saved = s.eventNames().map((ev) => [ev, s.rawListeners(ev)] as const);
  s.removeAllListeners();
  for (const [ev, fns] of saved) for (const fn of fns) s.on(ev, fn as (...args: unknown[]) => void);
}

export function splice(a: Duplex, b: Duplex): void {
  (a as Spliced)[PEER] = b;
  (b as Spliced)[PEER] = a;
  for (const s of [a, b]) {
    compactListeners(s);
    s.on("error", onGone);
    s.on("close", onClose);
    s.on("data", onData);
    s.on("drain", onDrain);
    s.on("end", onEnd);
  }
}
