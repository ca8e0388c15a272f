import { crashListSchema, gameStatusSchema } from "../../../agent/src/contract/game";
import { db } from "../db/client";
import type { Service } from "../lifecycle";
import { logger } from "../log/logger";
import { agentClientFor } from "../provisioning/agent-for";
import { crashDedupeKey, crashNotification, newCrashes } from "./crash-events";
import { notify } from "./notify";

/**
 * Learns of game crashes from the agents and notifies each one once. Every few seconds it asks the
 * agent of each running game server for its status; when the newest crash record is one this
 * process has not handled, it reads the crash list and notifies the new records. Handled ids are
 * remembered in memory; after a portal restart the Notification table's unique dedupe key keeps a
 * crash that was already notified from being notified again (and several portal instances may
 * watch the same servers).
 */
const log = logger.child({ module: "notify.crash-watcher" });
/** Crash records older than this when first seen are history (e.g. before the portal was upgraded). */
const HISTORY_MS = 24 * 60 * 60_000;

/** Crash ids handled per server, in this process (a new watcher starts empty, like a restarted portal). */
export type SeenCrashes = Map<string, Set<string>>;

export async function checkServerCrashes(seen: SeenCrashes, s: { id: string; name: string; userId: string; createdAt: Date; agentUrl: string | null; agentTokenEnc: string | null; agentCertPinEnc?: string | null }): Promise<number> {
  const client = agentClientFor(s, { retries: 0, timeoutMs: 3_000 });
  if (!client) return 0;
  const game = gameStatusSchema.safeParse((await client.status()).game);
  const latest = game.success ? game.data.lastCrash : null;
  let known = seen.get(s.id);
  if (!latest || known?.has(latest.id)) return 0;
  const { crashes } = await client.request("GET", "/game/crashes", crashListSchema, { timeoutMs: 3_000 });
  if (!known) {
    // First look at this server in this process: what the database already notified is known.
    const keys = await db.notification.findMany({ where: { serverId: s.id, dedupeKey: { in: crashes.map((c) => crashDedupeKey(s.id, c.id)) } }, select: { dedupeKey: true } });
    known = new Set(keys.map((k) => k.dedupeKey.slice(crashDedupeKey(s.id, "").length)));
    seen.set(s.id, known);
  }
  const cutoff = new Date(Math.max(s.createdAt.getTime(), Date.now() - HISTORY_MS));
  const fresh = newCrashes(crashes, known, cutoff);
  for (const r of fresh) {
    await notify(crashNotification(s, r));
    known.add(r.id);
  }
  for (const r of crashes) known.add(r.id);
  return fresh.length;
}

export async function checkAllCrashes(seen: SeenCrashes): Promise<void> {
  const servers = await db.server.findMany({
    where: { kind: "game", status: "running" },
    select: { id: true, name: true, userId: true, createdAt: true, agentUrl: true, agentTokenEnc: true, agentCertPinEnc: true },
  });
  await Promise.all(
    servers.map((s) =>
      checkServerCrashes(seen, s).catch((err: unknown) => log.debug({ err: (err as Error).message, serverId: s.id }, "crash check skipped: agent not answering")),
    ),
  );
}

export function crashWatcherService(intervalMs = 5_000): Service {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const seen: SeenCrashes = new Map();
  const tick = () => {
    running ??= checkAllCrashes(seen)
      .catch((err: unknown) => log.error({ err }, "crash check failed"))
      .finally(() => {
        running = undefined;
      });
  };
  return {
    name: "crash-watcher",
    start: async () => {
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
