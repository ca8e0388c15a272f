import { db } from "../../db/client";
import { logger } from "../../log/logger";
import { publicUrl } from "../../mail/config";
import { kick } from "../../mail/jobs";
import { notificationKindSchema } from "../kinds";
import { sendToWebhook } from "./send";

/**
 * The webhook job: one WebhookDelivery row per (notification, webhook). Claimed atomically, posted,
 * marked delivered on a 2xx; anything else throws so the queue retries with backoff. A delivered
 * row is never posted again.
 */
export const WEBHOOK_QUEUE = "webhook-send";
const log = logger.child({ module: "webhooks" });

export async function kickWebhookDeliveries(ids: string[]): Promise<void> {
  for (const id of ids) await kick(WEBHOOK_QUEUE, id);
}

export async function deliverWebhookJob(id: string): Promise<void> {
  const claimed = await db.webhookDelivery.updateMany({ where: { id, status: { in: ["queued", "failed"] } }, data: { status: "sending", attempts: { increment: 1 } } });
  if (claimed.count !== 1) return;
  const d = await db.webhookDelivery.findUniqueOrThrow({ where: { id } });
  try {
    const [hook, n] = await Promise.all([
      db.webhook.findUnique({ where: { id: d.webhookId } }),
      db.notification.findUnique({ where: { id: d.notificationId } }),
    ]);
    if (!hook || !n) {
      // The webhook was removed (or the account deleted) meanwhile: nothing to send to.
      await db.webhookDelivery.update({ where: { id }, data: { status: "cancelled" } });
      return;
    }
    const server = n.serverId ? await db.server.findUnique({ where: { id: n.serverId }, select: { id: true, name: true } }) : null;
    const event = {
      id: n.id,
      kind: notificationKindSchema.parse(n.kind),
      title: n.title,
      body: n.body,
      server,
      url: server ? `${publicUrl()}/servers/${server.id}` : `${publicUrl()}/billing`,
      createdAt: n.createdAt,
    };
    const status = await sendToWebhook(hook, event, id);
    await db.webhookDelivery.update({ where: { id }, data: { responseStatus: status } });
    if (status < 200 || status >= 300) throw new Error(`the receiver answered HTTP ${status}`);
  } catch (err) {
    const message = (err as Error).message.slice(0, 1000);
    await db.webhookDelivery.update({ where: { id }, data: { status: "failed", lastError: message } });
    log.warn({ id, attempt: d.attempts, err: message }, "webhook delivery failed");
    throw err;
  }
  await db.webhookDelivery.update({ where: { id }, data: { status: "delivered", deliveredAt: new Date(), lastError: null } });
  log.info({ id, webhookId: d.webhookId }, "webhook delivered");
}

/** Deliveries queued but never handed to the queue, or stuck mid-call after a crash: queued again. */
export async function sweepWebhooks(now = Date.now()): Promise<number> {
  const stale = await db.webhookDelivery.findMany({
    where: {
      OR: [
        { status: "queued", updatedAt: { lt: new Date(now - 60_000) } },
        { status: "sending", updatedAt: { lt: new Date(now - 10 * 60_000) } },
      ],
    },
    select: { id: true, status: true },
    take: 200,
  });
  for (const d of stale) {
    if (d.status === "sending") await db.webhookDelivery.updateMany({ where: { id: d.id, status: "sending" }, data: { status: "queued" } });
    await kick(WEBHOOK_QUEUE, d.id);
  }
  return stale.length;
}
