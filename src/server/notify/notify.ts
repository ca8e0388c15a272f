import { randomUUID } from "node:crypto";
import { db } from "../db/client";
import { logger } from "../log/logger";
import { publicUrl } from "../mail/config";
import { kickMail, recordMail } from "../mail/queue";
import { notifyInputSchema, type NotifyInput } from "./kinds";
import { shouldSuppress } from "./rate-policy";
import { kickWebhookDeliveries } from "./webhooks/deliver";

export type { NotifyInput, NotificationKind } from "./kinds";

/**
 * Tells a user about an event on their account or one of their servers: by email (unless they
 * turned that kind off) and through the server's webhooks. One Notification row per dedupeKey
 * (unique): calling again for the same event does nothing, across retries and portal restarts.
 * Events of a kind that follow a sent one for the same server inside the kind's window are
 * recorded as suppressed and not sent (rate-policy.ts). The mail and webhook rows are written in
 * the same transaction as the notification, then handed to the durable delivery jobs.
 */
const log = logger.child({ module: "notify" });

export async function notify(input: NotifyInput): Promise<void> {
  const n = notifyInputSchema.parse(input);
  const now = new Date();
  const outcome = await db.$transaction(async (tx) => {
    if (await tx.notification.findUnique({ where: { dedupeKey: n.dedupeKey }, select: { id: true } })) return null;
    let suppressed = false;
    let serverName: string | null = null;
    if (n.serverId) {
      // Two events for one server and kind at once (two portal instances) decide one after the other.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`notify:${n.serverId}:${n.kind}`}))`;
      const last = await tx.notification.findFirst({
        where: { serverId: n.serverId, kind: n.kind, suppressed: false },
        orderBy: { createdAt: "desc" },
        select: { createdAt: true },
      });
      suppressed = shouldSuppress(n.kind, last?.createdAt ?? null, now);
      serverName = (await tx.server.findUnique({ where: { id: n.serverId }, select: { name: true } }))?.name ?? null;
    }
    const id = randomUUID();
    const created = await tx.notification.createMany({
      data: [{ id, userId: n.userId, serverId: n.serverId ?? null, kind: n.kind, title: n.title, body: n.body, dedupeKey: n.dedupeKey, suppressed, createdAt: now }],
      skipDuplicates: true,
    });
    if (created.count === 0 || suppressed) return { id, suppressed, mailId: null, deliveries: [] as string[] };

    const user = await tx.user.findUnique({ where: { id: n.userId }, select: { email: true, deletedAt: true } });
    if (!user || user.deletedAt) return { id, suppressed, mailId: null, deliveries: [] as string[] };
    const pref = await tx.notificationPreference.findUnique({ where: { userId_kind: { userId: n.userId, kind: n.kind } } });
    const base = publicUrl();
    const mailId =
      pref?.email === false
        ? null
        : await recordMail(tx, {
            key: `notify:${id}`,
            userId: n.userId,
            to: user.email,
            template: "notification",
            data: {
              kind: n.kind,
              title: n.title,
              body: n.body,
              serverName,
              url: n.serverId ? `${base}/servers/${n.serverId}` : `${base}/billing`,
              settingsUrl: `${base}/settings/notifications`,
            },
          });
    const hooks = n.serverId ? await tx.webhook.findMany({ where: { serverId: n.serverId, userId: n.userId }, select: { id: true } }) : [];
    const deliveries = hooks.map(() => randomUUID());
    if (hooks.length) {
      await tx.webhookDelivery.createMany({ data: hooks.map((h, i) => ({ id: deliveries[i]!, notificationId: id, webhookId: h.id })), skipDuplicates: true });
    }
    return { id, suppressed, mailId, deliveries };
  });
  if (!outcome) return;
  log.info({ notificationId: outcome.id, kind: n.kind, serverId: n.serverId, suppressed: outcome.suppressed, webhooks: outcome.deliveries.length, email: Boolean(outcome.mailId) }, "notification recorded");
  await kickMail(outcome.mailId);
  await kickWebhookDeliveries(outcome.deliveries);
}
