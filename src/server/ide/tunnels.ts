import type { Socket } from "node:net";
import type { Duplex } from "node:stream";

/**
 * Live IDE connections of this portal process (spliced to a container's code-server through its
 * agent), by server and by user, so they can be cut: when the server stops or is deleted, when its
 * owner signs out or loses access (cluster bus messages, see ide/http.ts), and after an idle limit.
 * A spliced connection is authorized once, at its first request; this is what ends it later.
 *
 * Idleness is judged without touching the data path: a sweep compares each connection's byte
 * counters with what it saw last time.
 */
export type TunnelOwner = {
  serverId: string;
  userId: string;
  /** When its access was checked: a cut after that instant also ends a connection still opening. */
  authorizedAt: number;
};

type Entry = { serverId: string; userId: string; client: Duplex; upstream: Duplex; bytes: number; activeAt: number };

const byServer = new Map<string, Set<Entry>>();
const byUser = new Map<string, Set<Entry>>();
let count = 0;

/**
 * Recent cuts by `s:<serverId>` / `u:<userId>`: a connection authorized before one of them but
 * registered after it (its tunnel was still opening) is cut on arrival. Opening a tunnel is
 * bounded well under this window.
 */
const RECENT_CUT_MS = 120_000;
const cutAt = new Map<string, number>();

function noteCut(key: string, now: number): void {
  for (const [k, t] of cutAt) if (now - t > RECENT_CUT_MS) cutAt.delete(k);
  cutAt.set(key, now);
}

const cutSince = (key: string, at: number) => (cutAt.get(key) ?? -Infinity) >= at;

function add(index: Map<string, Set<Entry>>, key: string, e: Entry): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(e);
}

function remove(index: Map<string, Set<Entry>>, key: string, e: Entry): void {
  const set = index.get(key);
  if (!set?.delete(e)) return;
  if (set.size === 0) index.delete(key);
}

function bytesOf(s: Duplex): number {
  const sock = s as Partial<Socket>;
  return (sock.bytesRead ?? 0) + (sock.bytesWritten ?? 0);
}

const ENTRY = Symbol("tunnelEntry");
type Tracked = Duplex & { [ENTRY]?: Entry };

/**
 * Close handler of both ends of every tracked pair: one shared function that finds the pair's entry
 * through a property, because a closure per pair (with its context) is memory each idle IDE session
 * would carry. The second end's close finds the entry already gone.
 */
function forget(this: Tracked): void {
  const e = this[ENTRY];
  if (!e || !byServer.get(e.serverId)?.has(e)) return;
  count--;
  remove(byServer, e.serverId, e);
  remove(byUser, e.userId, e);
}

/** Records a spliced connection; it leaves the registry by itself when either end closes. */
export function trackTunnel(owner: TunnelOwner, client: Duplex, upstream: Duplex, now = Date.now()): void {
  if (cutSince(`s:${owner.serverId}`, owner.authorizedAt) || cutSince(`u:${owner.userId}`, owner.authorizedAt)) {
    client.destroy();
    upstream.destroy();
    return;
  }
  const e: Entry = { serverId: owner.serverId, userId: owner.userId, client, upstream, bytes: 0, activeAt: now };
  add(byServer, e.serverId, e);
  add(byUser, e.userId, e);
  count++;
  (client as Tracked)[ENTRY] = e;
  (upstream as Tracked)[ENTRY] = e;
  // "on", not "once": close comes once anyway, and a once-wrapper is memory per socket too.
  client.on("close", forget);
  upstream.on("close", forget);
}

function cut(set: Set<Entry> | undefined): number {
  if (!set) return 0;
  let n = 0;
  for (const e of [...set]) {
    e.client.destroy();
    e.upstream.destroy();
    n++;
  }
  return n;
}

/** Closes every live IDE connection of a server or of a user (and any still opening); returns how many were cut. */
export function cutTunnels(sel: { serverId: string } | { userId: string }, now = Date.now()): number {
  if ("serverId" in sel) {
    noteCut(`s:${sel.serverId}`, now);
    return cut(byServer.get(sel.serverId));
  }
  noteCut(`u:${sel.userId}`, now);
  return cut(byUser.get(sel.userId));
}

export function liveTunnels(sel?: { serverId: string } | { userId: string }): number {
  if (!sel) return count;
  return ("serverId" in sel ? byServer.get(sel.serverId) : byUser.get(sel.userId))?.size ?? 0;
}

/** Cuts connections that moved no byte for `idleMs`. */
export function sweepIdleTunnels(idleMs: number, now = Date.now()): number {
  let n = 0;
  for (const set of byServer.values()) {
    for (const e of [...set]) {
      // Already cut: it leaves the registry on its close event.
      if (e.client.destroyed) continue;
      const bytes = bytesOf(e.client) + bytesOf(e.upstream);
      if (bytes !== e.bytes) {
        e.bytes = bytes;
        e.activeAt = now;
      } else if (now - e.activeAt >= idleMs) {
        e.client.destroy();
        e.upstream.destroy();
        n++;
      }
    }
  }
  return n;
}

let sweeper: NodeJS.Timeout | undefined;

/** Sweeps idle connections every quarter of the limit (at most once a minute) for the process's life. */
export function startIdleSweeper(idleMs: number): void {
  if (sweeper) return;
  sweeper = setInterval(() => sweepIdleTunnels(idleMs), Math.min(60_000, Math.max(1_000, idleMs / 4)));
  sweeper.unref();
}
