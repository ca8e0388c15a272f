import type { Server } from "../../generated/prisma/client";
import { db } from "../db/client";
import { wakeForAccess } from "../idle/service";

/**
 * Brings a stopped dev container up for an SSH session and reports each step as a line: starts it
 * (as the IDE link does), then relays the server's timeline entries until it runs. Resolves with
 * the running server row; rejects with a message for the user when the start fails or takes too long.
 */
export type WakeOptions = {
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** What hands the start off (tests stand in for it to play the start themselves). */
  wake?: typeof wakeForAccess;
};

/** How long a woken server may still read "stopped" before its start job has claimed it. */
const CLAIM_GRACE_MS = 20_000;

/** `say` may return a promise; it is awaited, so a slow writer paces the report instead of queueing it. */
export type Say = (line: string) => void | Promise<unknown>;

export async function wakeWithProgress(server: Server, say: Say, opts: WakeOptions = {}): Promise<Server> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const pollMs = opts.pollMs ?? 500;
  const since = new Date(Date.now() - 1000);
  const t0 = Date.now();
  await say("Starting your container...");
  const w = await (opts.wake ?? wakeForAccess)(server.userId, server.id);
  if (!w.starting && w.status !== "running") throw new Error(`The container is ${w.status}; it cannot be started from here.`);
  const seen = new Set<string>();
  // Only a "starting" read from the row counts: wakeForAccess answers "starting" as soon as it has
  // handed the start off, and the row can still read "stopped" until the start claims it.
  let sawStarting = false;
  for (;;) {
    if (opts.signal?.aborted) throw new Error("cancelled");
    // Status before events: the start commits "running" with its "Started" entry, so this order
    // never reports the container up before printing how it got there.
    const s = await db.server.findUniqueOrThrow({ where: { id: server.id } });
    const events = await db.serverEvent.findMany({ where: { serverId: server.id, createdAt: { gte: since } }, orderBy: { createdAt: "asc" }, take: 50 });
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      await say(`  ${e.message}`);
    }
    if (s.status === "running") {
      await say(`Your container is up (${((Date.now() - t0) / 1000).toFixed(1)} s). Connecting...`);
      return s;
    }
    if (s.status === "starting") sawStarting = true;
    else if (s.status === "error") throw new Error(`The container did not start: ${s.lastError ?? "unknown error"}`);
    else if (s.status !== "stopped" || sawStarting || Date.now() - t0 > CLAIM_GRACE_MS) throw new Error(`The container did not start (it is ${s.status}).`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`The container did not start within ${Math.round(timeoutMs / 1000)} s.`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
