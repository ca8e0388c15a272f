import { db } from "../db/client";

/** Portal-side activity (IDE opened or proxied, console relayed): at most one write per server every 30 s. */
const THROTTLE_MS = 30_000;
const lastWrite = new Map<string, number>();

export async function touchActivity(serverId: string, now = new Date()): Promise<void> {
  const prev = lastWrite.get(serverId) ?? 0;
  if (now.getTime() - prev < THROTTLE_MS) return;
  lastWrite.set(serverId, now.getTime());
  if (lastWrite.size > 10_000) lastWrite.clear();
  await db.server.updateMany({ where: { id: serverId, OR: [{ lastActivityAt: null }, { lastActivityAt: { lt: now } }] }, data: { lastActivityAt: now } });
}
